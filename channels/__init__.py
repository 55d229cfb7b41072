"""Custom Rasa input channels (loaded by the Rasa server through credentials.yml)."""
from channels import server_settings

server_settings.apply()
