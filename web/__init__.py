"""The demo clinic page with the chat widget (a small Sanic app on port 8080)."""
