"""The dialogue shortcuts of server/dialogue_speed.py give exactly Rasa's results: the
states of every conversation in tests/conversations, turn by turn (resumed, and again
after a rewind), and the rules that apply to random histories built from the trained
model's own rules."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import (
    RULES,
    RULES_FOR_LOOP_UNHAPPY_PATH,
    RulePolicy,
)
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import (
    YAMLStoryReader,
)

from server import dialogue_speed

ROOT = Path(__file__).resolve().parents[2]
RASA_STATES = dialogue_speed._rasa_states
RASA_KEYS = RulePolicy._get_possible_keys
RASA_KEYS = getattr(RASA_KEYS, "__wrapped__", RASA_KEYS)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def conversations(domain: Domain):
    for path in sorted((ROOT / "tests" / "conversations").glob("*.yml")):
        for step in YAMLStoryReader(domain).read_from_file(path):
            yield step.block_name, step.events


def test_states_turn_by_turn_are_rasas(domain):
    dialogue_speed.forget_kept_states()
    checked = 0
    for name, events in conversations(domain):
        tracker = DialogueStateTracker(f"conversation {name}", domain.slots)
        for number, event in enumerate(events):
            tracker.update(event, domain)
            for omit in (False, True):
                ours = dialogue_speed.states_for_tracker_history(
                    domain, tracker, omit_unset_slots=omit
                )
                assert ours == RASA_STATES(domain, tracker, omit_unset_slots=omit), (
                    name,
                    number,
                )
                checked += 1
            if number == len(events) // 2:  # a rewind: the kept states no longer fit
                tracker.update(UserUtteranceReverted(), domain)
                assert dialogue_speed.states_for_tracker_history(
                    domain, tracker
                ) == RASA_STATES(domain, tracker)
    assert checked > 200


def test_callers_may_edit_the_states_they_get(domain):
    dialogue_speed.forget_kept_states()
    name, events = next(iter(conversations(domain)))
    tracker = DialogueStateTracker.from_events("edits", events, domain.slots)
    first = dialogue_speed.states_for_tracker_history(domain, tracker)
    for state in first:
        state.clear()  # as Rasa's featurizer does to the last state's parts
    assert dialogue_speed.states_for_tracker_history(domain, tracker) == RASA_STATES(
        domain, tracker
    )


def rule_policy_index() -> int:
    """RulePolicy's place in config.yml's policies (Rasa names its resource by it)."""
    import yaml

    from tests.helpers import ROOT

    policies = yaml.safe_load((ROOT / "config.yml").read_text())["policies"]
    return [p["name"] for p in policies].index("RulePolicy")


@pytest.fixture(scope="module")
def rule_policy(model_path, tmp_path_factory) -> RulePolicy:
    storage, _ = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("model"), model_path
    )
    return RulePolicy.load(
        RulePolicy.get_default_config(),
        storage,
        Resource(f"train_RulePolicy{rule_policy_index()}"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_rules_found_from_the_recent_states_are_rasas(rule_policy):
    ours = dialogue_speed.rule_keys_from_recent_states(RASA_KEYS)
    lookups = [
        rule_policy.lookup[RULES],
        rule_policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH],
    ]
    rules = [
        rule_policy._rule_key_to_state(key) for lookup in lookups for key in lookup
    ]
    assert len(rules) > 20
    pick = random.Random(3)
    compared = matched = 0
    for _ in range(300):
        # a history of whole rules, ending with a prefix of one, as conversations do
        states = []
        for rule in pick.sample(rules, pick.randint(1, 6)):
            states.extend(state for state in rule if state)
        last = pick.choice(rules)
        states.extend(last[: pick.randint(1, len(last))])
        for lookup in lookups:
            expected = RASA_KEYS(rule_policy, lookup, states)
            assert ours(rule_policy, lookup, states) == expected
            compared += 1
            matched += bool(expected)
    assert matched > 50, "the histories should match some rules"
