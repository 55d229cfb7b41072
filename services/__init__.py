"""The assistant's own processes and the staff tool, apart from the bench and
evaluation tools in scripts/.

Each module runs as `python -m services.<name>`: `launch` (the one launcher, which
starts everything else), `balancer` (nginx's config), `reminders` (the reminder
sender), `retention` (the retention job), `staff` and `review` (the staff tool and its
review inbox), `prepare_services` (PostgreSQL and Redis for `make run-replicas`).
"""
