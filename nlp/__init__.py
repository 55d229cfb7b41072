"""NLU pieces the project builds itself: the spaCy pipeline and custom Rasa components."""

# The Rasa server imports this package when it loads the model: from then on no
# log line carries message text or health words (see actions/privacy.py).
from actions.privacy import install_log_redaction

install_log_redaction()
