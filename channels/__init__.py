"""The Rasa server's input channels (loaded by the Rasa server through
credentials.yml)."""
