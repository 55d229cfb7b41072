"""Checks on what a patient types into the booking and callback forms.

Pure functions: each returns the normalised value, or None when the answer cannot be
used (the form then says what it needs). Names and contacts are the only personal
details the assistant collects; nothing here is logged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from clinic.words import word

DEFAULT_REGION = "US"
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
MODES = ("online", "phone", "in_person")


def mode_label(mode: str) -> str:
    """How a kind of consultation reads: "online (video call)", "by phone", "in
    person" (channel_texts.yml, words)."""
    return word(f"mode_{mode}") if mode in MODES else mode


_NAME_PREFIX = re.compile(
    r"^(?:hi|hello|hey)?[\s,!]*(?:my name is|my name's|name is|name's|i "
    r"am|i'm|im|it's|its|"
    r"this is|call me|it is)\s+",
    re.IGNORECASE,
)
# A first word like these means a sentence, not a name ("how long is a session").
_NOT_NAME_START = {
    "how",
    "what",
    "when",
    "where",
    "why",
    "who",
    "which",
    "can",
    "could",
    "do",
    "does",
    "is",
    "are",
    "will",
    "should",
    "would",
    "i",
    "you",
    "my",
    "the",
    "yes",
    "no",
    "ok",
    "okay",
    "hi",
    "hello",
    "hey",
    "thanks",
    "please",
}
_MODE_WORDS = {
    "online": (
        "online",
        "video",
        "zoom",
        "teams",
        "virtual",
        "webcam",
        "facetime",
        "internet",
        "remote",
        "remotely",
        "computer",
    ),
    "phone": (
        "phone",
        "telephone",
        "call",
        "ring",
        "by phone",
        "over the phone",
        "cell",
    ),
    "in_person": (
        "in person",
        "in-person",
        "person",
        "clinic",
        "visit",
        "come in",
        "come by",
        "face to face",
        "face-to-face",
        "at the clinic",
        "office",
        "there",
    ),
}


@dataclass(frozen=True)
class Contact:
    """A normalised contact: phone in E.164 (+17605550100) or a lower-cased e-mail
    domain."""

    kind: str  # "phone" | "email"
    value: str

    def masked(self) -> str:
        """What the assistant repeats back: enough to recognise, not the whole
        detail."""
        if self.kind == "phone":
            return f"the number ending {self.value[-4:]}"
        local, _, domain = self.value.partition("@")
        return f"{local[:1]}***@{domain}"


def clean_name(text: str) -> Optional[str]:
    """A person's name: letters of any script, spaces, apostrophes, hyphens and dots."""
    text = unicodedata.normalize("NFC", text or "").strip()
    text = _NAME_PREFIX.sub("", text).strip(" .,!")
    if not 1 <= len(text) <= 80 or text.endswith("?"):
        return None
    words = text.split()
    if len(words) > 5 or words[0].lower().strip("'’") in _NOT_NAME_START:
        return None
    if not all(ch.isalpha() or ch in " '’-." for ch in text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return " ".join(
        part[:1].upper() + part[1:] if part.islower() else part for part in text.split()
    )


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Optional[Contact]:
    """A valid mobile number anywhere in the text, normalised to E.164."""
    for match in phonenumbers.PhoneNumberMatcher(text or "", region):
        number = match.number
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) in MOBILE_TYPES
        ):
            return Contact(
                "phone",
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            )
    return None


def parse_email(text: str) -> Optional[Contact]:
    """An e-mail address (syntax only: nothing is looked up on the network)."""
    candidates = [
        word.strip("<>()[],;:") for word in (text or "").split() if "@" in word
    ]
    for candidate in candidates:
        try:
            result = validate_email(candidate, check_deliverability=False)
        except EmailNotValidError:
            continue
        return Contact("email", result.normalized)
    return None


def parse_contact(
    text: str, region: str = DEFAULT_REGION, phone_only: bool = False
) -> Optional[Contact]:
    """A mobile number or (unless `phone_only`) an e-mail address."""
    if "@" in (text or ""):
        return None if phone_only else parse_email(text)
    return parse_phone(text, region)


def contact_from_slot(value: Optional[str]) -> Optional[Contact]:
    """The slot keeps the normalised value only; its kind follows from its shape."""
    if not value:
        return None
    return Contact("email" if "@" in value else "phone", value)


def looks_like_contact_attempt(text: str) -> bool:
    """Digits or an @: the patient tried to give a contact (and it was invalid)."""
    return "@" in text or sum(ch.isdigit() for ch in text) >= 5


def parse_mode(text: str) -> Optional[str]:
    """online | phone | in_person from the patient's words, or None if unclear/mixed."""
    text = (
        (text or "").lower().replace("video call", "video").replace("zoom call", "zoom")
    )
    found = {
        mode
        for mode, words in _MODE_WORDS.items()
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)
    }
    if (
        "in_person" in found
        and "phone" in found
        and "call" not in text
        and "phone" not in text
    ):
        found.discard("phone")
    return found.pop() if len(found) == 1 else None


def same_contact(a: Optional[str], b: Optional[str]) -> bool:
    """Compare two normalised contacts (e-mail case-insensitively)."""
    if not a or not b:
        return False
    return a.strip().lower() == b.strip().lower()
