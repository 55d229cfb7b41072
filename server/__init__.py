"""The Rasa server's own process: its entry point and the changes it makes to Rasa."""
