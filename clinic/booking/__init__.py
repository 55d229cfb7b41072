"""Booking a free consultation: pure logic (validation, time parsing, store) and Rasa
glue."""
