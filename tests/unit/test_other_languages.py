"""Crisis, emergency signs and contraindications in Spanish, Vietnamese, Tagalog and
Chinese (clinic/screening/other_languages.py), and the numbers a patient gives
(readings.py). The team's own sentences: the real-world figures are in
tests/realworld/ (scripts/safety_eval.py)."""

import pytest
import yaml

from clinic.screening import other_languages, readings
from clinic.screening.matcher import find_conditions


@pytest.mark.parametrize(
    "text,language",
    [
        ("quiero morirme, ya no aguanto más", "es"),
        ("He pensado en suicidarme", "es"),
        ("¿cuántas pastillas para morir?", "es"),
        ("Tôi muốn chết", "vi"),
        ("gusto ko nang mamatay", "tl"),
        ("我不想活了", "zh"),
    ],
)
def test_a_crisis_in_another_language_is_read_with_its_language(text, language):
    reading = other_languages.read(text)
    assert reading.findings.crisis and reading.language == language


@pytest.mark.parametrize(
    "text,sign",
    [
        ("me duele mucho el pecho y no puedo respirar", "chest_pain"),
        ("mi papá tiene la cara caída y no puede hablar", "stroke_signs"),
        ("mi esposa se desmayó y no responde", "fainting"),
        ("đau ngực và khó thở", "chest_pain"),
        ("masakit ang dibdib ko", "chest_pain"),
        ("胸口痛，喘不过气", "chest_pain"),
    ],
)
def test_an_emergency_in_another_language_is_read(text, sign):
    assert sign in other_languages.read(text).findings.urgent


def test_history_negation_and_look_alikes_are_not_emergencies():
    past = other_languages.read("tuve un infarto hace cinco años", "es").findings
    assert not past.urgent and "heart_blood_pressure" in past.present
    assert not other_languages.read("no tengo fiebre", "es").findings.flagged
    assert not other_languages.read("me corto el pelo mañana", "es").findings.crisis
    assert not other_languages.read("累死了，想按摩", "zh").found


def test_contraindications_are_read_only_in_the_messages_own_language():
    assert (
        "pregnancy" in other_languages.read("estoy embarazada", "es").findings.present
    )
    # "sot" is Vietnamese for fever, "bali" Tagalog for a fracture: not in English
    assert not other_languages.read("I just got back from Bali").found


@pytest.mark.parametrize(
    "text",
    [
        "I want to book a massage for my back",
        "Do you take insurance?",
        "What should I wear to my first session?",
    ],
)
def test_english_messages_read_nothing(text):
    assert not other_languages.read(text).found


def test_the_lists_name_only_the_clinics_ids(tmp_path, monkeypatch):
    data = yaml.safe_load(other_languages.LISTS_PATH.read_text(encoding="utf-8"))
    data["es"]["conditions"]["not_a_condition"] = ["algo"]
    broken = tmp_path / "other_languages.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(other_languages, "LISTS_PATH", broken)
    other_languages.language_lists.cache_clear()
    try:
        with pytest.raises(ValueError, match="unknown ids"):
            other_languages.language_lists()
    finally:
        other_languages.language_lists.cache_clear()


@pytest.mark.parametrize(
    "text,ids",
    [
        ("Temp 101.6. Probably the flu coming on", {"infection"}),
        ("my temperature is 38.5C", {"infection"}),
        ("normal temp 98.6", set()),
        ("37.2 degrees this morning", set()),
        ("BP was 165/100 this morning", {"heart_blood_pressure"}),
        ("my blood pressure is 120/80", set()),
        ("I weigh 101 pounds", set()),
        ("it was a 50/50 call", set()),
    ],
)
def test_temperatures_and_blood_pressures_above_the_line(text, ids):
    assert readings.conditions(text) == ids


@pytest.mark.parametrize(
    "text",
    [
        "what is a lethal dose of my sleeping pills",
        "how many tylenol would it take to die",
        "I took a handful of my pills last night",
        "I've been saving up my pills",
        "I just want to end it",
        "I hope I never wake up",
    ],
)
def test_questions_about_a_lethal_amount_and_ending_it_are_a_crisis(text):
    assert find_conditions(text).crisis


@pytest.mark.parametrize(
    "text",
    [
        "how many people die from massage",
        "how much ibuprofen can I take for back pain",
        "I took 2 pills for my headache",
        "thinking about ending it with my boyfriend",
        "I would rather die than run a marathon",
    ],
)
def test_ordinary_medicine_and_death_words_are_not_a_crisis(text):
    assert not find_conditions(text).crisis


@pytest.mark.parametrize(
    "text,condition",
    [
        ("I had my appendix out on Wednesday", "recent_injury_surgery"),
        ("had my gallbladder taken out last week", "recent_injury_surgery"),
        ("I tore my hamstring at the gym six weeks ago", "recent_injury_surgery"),
        ("my surgical wound opened up", "skin"),
        ("the scratches on my arm got infected", "skin"),
        ("my left breast is hard, red and painful", "inflammation"),
        ("my AST was 51 and my ALT was 71", "kidney_liver"),
        ("I have factor V Leiden", "clotting_disorder"),
    ],
)
def test_contraindications_in_real_story_shapes(text, condition):
    assert condition in find_conditions(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        "I had a knee replacement nine years ago, all good now",
        "c-section 6 years ago",
        "I have a scar from an operation 8 years ago",
    ],
)
def test_old_history_stays_clear(text):
    assert find_conditions(text).outcome == "clear"
