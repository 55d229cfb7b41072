"""NLU pieces the project builds itself: the spaCy pipeline and custom Rasa
components."""

# The Rasa server imports this package when it loads the model: from then on no
# log line carries message text or health words (see clinic/privacy.py).
import warnings

from clinic.privacy import install_log_redaction

install_log_redaction()

# Rasa warns when FAQ (retrieval intent) data is trained without its ResponseSelector;
# here nlp.linear_classifier.LinearClassifier selects the FAQ answers instead.
warnings.filterwarnings(
    "ignore", message=r".*does not include a response selector component.*"
)
