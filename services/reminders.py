"""The reminder sender: sends the appointment reminders that are due.

    python -m services.reminders --once      # send what is due now, then stop
    python -m services.reminders --every 60  # the process the launcher starts

SMS goes through Twilio's REST API with the official SDK (a TwiML reply can only answer
a text the patient sent); e-mail through SMTP. Settings, from the environment:
- TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM (the clinic's number);
  TWILIO_API_URL points the SDK at another host (the tests' stand-in);
- SMTP_HOST, SMTP_PORT (25), SMTP_FROM, and SMTP_USER / SMTP_PASSWORD with STARTTLS
  when set.
A channel that is not configured sends nothing: its reminders stay pending (the staff
tool lists them). Each reminder is claimed in the database before it goes out, so it
goes once across restarts and senders (clinic/booking/reminders.py). A number that
sent STOP gets nothing. The texts are domain responses (domain/booking.yml). The log
holds counts and references, never a number, an address or a name.
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import time
from email.message import EmailMessage
from typing import Any, Dict, Optional

from clinic import clock, domain, facts
from clinic.booking.reminders import Due, Reminders
from clinic.booking.store import BookingStore
from clinic.booking.wording import consultation_kind, when_text
from clinic.privacy import sms_conversation_id
from clinic.settings import settings

logger = logging.getLogger("reminders")
TWILIO_HOST = "https://api.twilio.com"


def text(name: str, **values: str) -> str:
    """A domain response's (first) text, its {placeholders} filled in."""
    template = str(domain.responses()[name][0]["text"])
    return template.format(**{**facts.clinic_slots(), **values})


def message_values(due: Due) -> Dict[str, str]:
    local = due.starts_at.astimezone(facts.time_zone())
    return {
        "patient_name": due.name,
        "what": consultation_kind(due.mode, False),
        "when": when_text(local),
        "reference": due.reference,
    }


def twilio_client() -> Optional[Any]:
    config = settings()
    sid, token = config.twilio_account_sid, config.twilio_auth_token
    if not sid or not token or not config.twilio_from:
        return None
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ElsewhereHttpClient(TwilioHttpClient):
        """Twilio's own HTTP client, sending to TWILIO_API_URL instead."""

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            base = (settings().twilio_api_url or "").rstrip("/")
            if base and url.startswith(TWILIO_HOST):
                url = base + url[len(TWILIO_HOST) :]
            return super().request(method, url, *args, **kwargs)

    return Client(sid, token, http_client=ElsewhereHttpClient(timeout=10))


def send_sms(client: Any, due: Due) -> None:
    client.messages.create(
        to=due.contact,
        from_=settings().twilio_from,
        body=text("utter_reminder_sms", **message_values(due)),
    )


def smtp_configured() -> bool:
    config = settings()
    return bool(config.smtp_host and config.smtp_from)


def send_email(due: Due) -> None:
    config = settings()
    message = EmailMessage()
    message["From"] = str(config.smtp_from)
    message["To"] = due.contact
    message["Subject"] = text("utter_reminder_email_subject", **message_values(due))
    message.set_content(text("utter_reminder_email", **message_values(due)))
    with smtplib.SMTP(str(config.smtp_host), config.smtp_port, timeout=10) as smtp:
        if config.smtp_user:
            smtp.starttls()
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(message)


def send_due(reminders: Reminders) -> Dict[str, int]:
    """One round: claim what is due, send it, record the outcome."""
    from stores.sms_state import sms_state

    counts = {"sent": 0, "skipped": 0, "failed": 0, "waiting": 0}
    client = twilio_client()
    now = clock.now()
    for due in reminders.claim_due(now):
        if due.channel == "sms":
            conversation = sms_conversation_id(due.contact)
            if sms_state().opted_out(conversation):
                reminders.mark_skipped(due)
                counts["skipped"] += 1
                continue
            if client is None:
                reminders.release(due)
                counts["waiting"] += 1
                continue
        elif not smtp_configured():
            reminders.release(due)
            counts["waiting"] += 1
            continue
        try:
            if due.channel == "sms":
                send_sms(client, due)
                sms_state().set_reminder(conversation, due.reference)
            else:
                send_email(due)
        except Exception as error:  # the provider refused: nothing went out
            logger.warning(
                "Reminder for %s not sent (%s); tried again next round.",
                due.reference,
                type(error).__name__,
            )
            reminders.release(due)
            counts["failed"] += 1
            continue
        reminders.mark_sent(due, clock.now())
        counts["sent"] += 1
    return counts


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.reminders")
    parser.add_argument("--once", action="store_true", help="one round, then stop")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    availability = facts.availability()
    if availability is None:
        # nothing to send; a job that exits would be restarted by the launcher over
        # and over, so it waits (clinic.yml is read again at the next start)
        logger.info("No appointments block in clinic.yml: no reminders to send.")
        while not args.once:
            time.sleep(3600)
        return 0
    reminders = Reminders(BookingStore(), availability)
    while True:
        try:
            counts = send_due(reminders)
            if any(counts.values()):
                logger.info("Reminders: %s", counts)
        except Exception as error:  # the database is down: next round
            logger.warning("Reminder round failed (%s).", type(error).__name__)
        if args.once:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    raise SystemExit(main())
