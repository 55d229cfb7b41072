"""Where the Rasa server keeps conversations (tracker store) and per-conversation locks.

Chosen from the environment so one endpoints.yml serves every set-up:
- default: conversations in a SQLite file (.rasa/conversations.sqlite), in-memory locks;
  a restart of the Rasa server continues every conversation;
- DATABASE_URL (PostgreSQL) and REDIS_URL: conversations in PostgreSQL, locks in Redis,
  so several Rasa replicas can serve the same conversations.
"""
