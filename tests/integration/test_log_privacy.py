"""No health detail a patient types reaches any log, even at DEBUG."""

import re
import uuid

import pytest

pytestmark = pytest.mark.server

MESSAGES = [
    "is massage safe for me? I'm 20 weeks pregnant",
    "yes",
    "I had a blood clot in my leg and I'm on warfarin",
]
HEALTH_WORDS = [
    "pregnant",
    "20 weeks",
    "blood clot",
    "warfarin",
    "pregnancy",
    "blood_clots",
    "clotting_disorder",
]


def test_debug_logs_of_a_screened_conversation_hold_no_health_words(servers):
    sender = uuid.uuid4().hex
    for message in MESSAGES:
        servers.say(message, sender)
    assert (
        servers.slots(sender)["screen_outcome"] == "doctor_first"
    )  # the screen really ran
    for path in (servers.rasa_log, servers.action_log):
        name, log = path.name, path.read_text(errors="replace")
        assert "DEBUG" in log, (
            f"{name} is not at DEBUG level; the test would prove nothing"
        )
        found = [w for w in HEALTH_WORDS if re.search(re.escape(w), log, re.I)]
        assert found == [], f"{name} contains {found}"


def test_debug_logs_hold_no_name_or_contact_from_a_booking(servers):
    sender = uuid.uuid4().hex
    for message in [
        "book a consultation",
        "no",
        "Zelda Quixote",
        "online",
        "zelda.q@example.com",
        "thursday at 4pm",
    ]:
        servers.say(message, sender)
    assert servers.slots(sender)["patient_contact"] == "zelda.q@example.com"
    for path in (servers.rasa_log, servers.action_log):
        name, log = path.name, path.read_text(errors="replace")
        found = [w for w in ("Zelda", "Quixote", "zelda.q") if w.lower() in log.lower()]
        assert found == [], f"{name} contains {found}"
