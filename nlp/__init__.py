"""NLU pieces the project builds itself: the spaCy pipeline and custom Rasa components."""
