"""The safety gate: a dialogue policy that puts clinic/safety.py's routes before
everything else, in every state.

Rasa runs an active form ahead of every rule (RulePolicy's "loop happy path" overrules
all other predictions), and a form takes a message as its answer unless each of its
slot mappings lists the message's intent under `not_intent`. Interrupting forms with
rules therefore needed a copy of the safety intents in every mapping and a rule per
form and route; the copies drifted (an emergency told while moving a booking was taken
as the booking reference). This policy replaces them:

- right after a patient's message that takes a route (clinic.safety.route_for), it
  predicts `action_deactivate_loop` when a form is active (the form's slots filled
  from this message are put back as they were), then the route's action;
- after the route's action (or the urgent-care answer it led to), the patient's turn;
- otherwise it abstains, and the rules, forms and FAQ answers decide.

Its predictions are marked as not using the user's message (like a form's happy path)
and it has the highest priority, so nothing else can win them. The pending
"is this happening now?" question is read from the conversation: the last action
before the message asked it, and `now_checked` says it is still open.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.safety import ENDS_TURN, NOW_QUESTION_ACTIONS, Route, route_for

DEACTIVATE_FORM = "action_deactivate_loop"
NOW_SLOT = "now_checked"
QUESTION_OPEN = "asked"  # its value while the question waits


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT,
    is_trainable=True,  # Rasa trains and loads every policy; there is nothing to learn
)
class SafetyGate(Policy):
    """Safety routes first, in every dialogue state (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # above RulePolicy (6): on a tie of full confidence the higher priority wins
        return {"priority": 7}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        turn = _this_turn(tracker)
        route = _route(tracker, turn)
        if route is None:
            return self._prediction(self._default_predictions(domain))
        done = [e.action_name for e in turn if isinstance(e, ActionExecuted)]
        events: List[Event] = []
        if not done and tracker.active_loop_name:
            action = DEACTIVATE_FORM
            events = _undo_form_answers(tracker, domain, turn)
        elif not done or done == [DEACTIVATE_FORM]:
            action = route.action
        elif done[-1] in ENDS_TURN:
            action = ACTION_LISTEN_NAME
        else:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(
            probabilities, events=events, is_no_user_prediction=True
        )


def _this_turn(tracker: DialogueStateTracker) -> List[Event]:
    """The events since the latest user message (empty before the first one)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index + 1 :]
    return []


def _route(tracker: DialogueStateTracker, turn: List[Event]) -> Optional[Route]:
    message = tracker.latest_message
    if message is None or not any(isinstance(e, UserUttered) for e in tracker.events):
        return None
    intent = (message.intent or {}).get("name")
    return route_for(intent, _question_pending(tracker))


def _question_pending(tracker: DialogueStateTracker) -> bool:
    """The assistant's last turn asked "is this happening now?" and it was still open
    when the message came (this turn's own answer closes it)."""
    return (
        _asked_last(tracker) in NOW_QUESTION_ACTIONS
        and _value_before_turn(tracker, NOW_SLOT) == QUESTION_OPEN
    )


def _asked_last(tracker: DialogueStateTracker) -> Optional[str]:
    """The last action before the latest user message, other than listening."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif (
            seen_user
            and isinstance(event, ActionExecuted)
            and event.action_name != ACTION_LISTEN_NAME
        ):
            return event.action_name
    return None


def _value_before_turn(tracker: DialogueStateTracker, slot: str) -> Any:
    """A slot's value when the latest user message came."""
    value = None
    for event in tracker.events:
        if event is tracker.latest_message:
            break
        if isinstance(event, SlotSet) and event.key == slot:
            value = event.value
    return value


def _undo_form_answers(
    tracker: DialogueStateTracker, domain: Domain, turn: List[Event]
) -> List[Event]:
    """The interrupted form's slots as they were before this message: Rasa fills a
    form's slot from any message (here a crisis or an emergency) before any policy
    runs; the form may be resumed later and must not find it there."""
    form = tracker.active_loop_name or ""
    slots = set(domain.required_slots_for_form(form)) | {REQUESTED_SLOT}
    changed = {e.key for e in turn if isinstance(e, SlotSet) and e.key in slots}
    if not changed:
        return []
    before: Dict[str, Any] = {}
    for event in tracker.events:
        if isinstance(event, UserUttered) and event is tracker.latest_message:
            break
        if isinstance(event, SlotSet) and event.key in changed:
            before[event.key] = event.value
    return [
        SlotSet(slot, before.get(slot)) for slot in sorted(changed - {REQUESTED_SLOT})
    ]
