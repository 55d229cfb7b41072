"""Every change this project makes to Rasa 3.6's internals, in one place.

`apply()` is idempotent and is called by the Rasa side's entry point (`python -m
server`, for `run` and `shell`), which the launcher and every make target use. A plain
`rasa run` or `rasa shell` does not apply them: start Rasa through `python -m server`.
Before anything is replaced, server/rasa_guard.py checks the Rasa version and the
signatures this relies on, so an upgrade fails loudly.

- The action-server call waits 5 minutes by default (rasa.core.constants); a patient
  would see nothing for that long. ACTION_TIMEOUT (seconds, default 10) caps it.
- When a custom action cannot run (action server down, hanging or erroring), Rasa logs
  it, carries on and ends in its core fallback ("I couldn't work out what to do next"),
  which blames the patient. Here the patient is told it is our fault and to try again,
  and the turn ends there.
- Request bodies: Sanic accepts 100 MB by default; every port is public, so the Rasa
  server refuses bodies over MAX_BODY_BYTES (64 KB) with 413 before reading them.
- Logs: Python warnings (Rasa prints an unknown "/intent" payload through
  warnings.warn) go through the logging redaction like every log line.
- Every answer from the action server is checked against a JSON schema with
  `jsonschema.validate`, which first re-checks the schema itself: about 50 ms of CPU per
  custom action, during which the server answers no one (a screen turn runs three). Here
  the schema is compiled once with fastjsonschema and each event checked against its
  own type's part only (server/action_answers.py; a reused jsonschema validator was
  still 4 % of the server's CPU, a session start's answer 7 ms); an answer it rejects
  goes through jsonschema for Rasa's own error message. The two are held to the same
  verdicts (tests/unit/test_action_response_check.py).
- The dialogue states each prediction rebuilds from a conversation's first event, and
  RulePolicy's walk over all of them, are resumed and bounded
  (server/dialogue_speed.py): same predictions, a cost that no longer grows with the
  conversation.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict

from clinic.settings import settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


def action_timeout() -> int:
    return settings().action_timeout


def _apologising(run):
    async def run_or_apologise(self, output_channel, nlg, tracker, domain):
        from rasa.core.actions.action import ActionExecutionRejection
        from rasa.shared.core.events import BotUttered, FollowupAction

        from clinic.channel_texts import text as channel_text

        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form rejecting an answer: Rasa's normal flow
        except Exception as error:
            # The type only: an exception's message can carry the patient's words.
            logger.error(
                "Custom action %s failed: %s", self.name(), type(error).__name__
            )
            if self.name() == "action_session_start":
                # Start the session the default way; the turn's own action decides.
                from rasa.shared.core.events import ActionExecuted, SessionStarted

                logger.error(
                    "Custom action_session_start could not run; default start used."
                )
                return [SessionStarted(), ActionExecuted("action_listen")]
            logger.error(
                "Custom action %s could not run; the patient got an apology.",
                self.name(),
            )
            # Listening next ends the turn (no retry loop, no core fallback).
            return [
                BotUttered(channel_text("apology")),
                FollowupAction("action_listen"),
            ]

    run_or_apologise.__wrapped__ = run
    return run_or_apologise


@lru_cache(maxsize=1)
def _action_response_check() -> Any:
    """Rasa's action response schema, compiled (server/action_answers.py); None: use
    jsonschema alone."""
    from rasa.core.actions.action import RemoteAction

    from server.action_answers import compile_check

    return compile_check(RemoteAction.action_response_format_spec())


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the validator built once.

    Why a copy of a private method: Rasa checks every action server response inside
    RemoteAction.run by calling this method, and offers no hook around it (no
    setting, no validator to pass in). Its body calls jsonschema.validate, which checks
    the schema itself and builds a new validator on every call: about 5 % of a turn's
    CPU under load. This copy does the same check with the same error message, with a
    validator built once from Rasa's own public schema (action_response_format_spec).
    tests/unit/test_action_response_check.py holds both to the same answers."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    check = _action_response_check()
    if check is not None and check(result):
        return True
    # rejected: jsonschema says why, in Rasa's words
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure "
            f"your response from the Action endpoint is valid. For more "
            f"information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def _with_body_limit(configure_app: Any) -> Any:
    def configure_app_with_limit(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
        return app

    configure_app_with_limit.__wrapped__ = configure_app  # type: ignore[attr-defined]
    return configure_app_with_limit


_GUARDED = {"done": False}


def apply() -> None:
    import rasa.core.actions.action as action_module
    import rasa.core.run as run_module
    import rasa.utils.endpoints as endpoints_module

    from clinic.privacy import install_log_redaction
    from server import rasa_guard

    if not _GUARDED["done"]:  # before anything is replaced: Rasa's own signatures
        rasa_guard.check()
        _GUARDED["done"] = True

    install_log_redaction()
    logging.captureWarnings(True)
    if not hasattr(run_module.configure_app, "__wrapped__"):
        run_module.configure_app = _with_body_limit(run_module.configure_app)

    seconds = action_timeout()
    action_module.DEFAULT_REQUEST_TIMEOUT = seconds  # read per call by RemoteAction.run
    endpoints_module.DEFAULT_REQUEST_TIMEOUT = (
        seconds  # the aiohttp session's total timeout
    )
    remote = action_module.RemoteAction
    if not hasattr(remote.run, "__wrapped__"):
        remote.run = _apologising(remote.run)
    remote._validate_action_result = _validate_action_result
    retrieve = action_module.ActionRetrieveResponse
    if not hasattr(retrieve.run, "__wrapped__"):
        retrieve.run = _asking_if_it_helped(retrieve.run)
    _speed_up_dialogue_states()


NOT_HELPFUL_TITLE = "utter_button_not_helpful"  # domain/fallback.yml
NOT_HELPFUL_PAYLOAD = "/faq_unhelpful"
NO_FEEDBACK_CHANNELS = {"sms"}  # a text costs the patient; no extra option there


def _asking_if_it_helped(run: Any) -> Any:
    """A FAQ answer gets one more button, "That didn't answer my question", on every
    channel but SMS: the cheap way for a patient to send the question to the staff's
    review inbox (action_review_unhelpful). The title is the domain's."""

    async def answer(
        self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> Any:
        events = await run(self, output_channel, nlg, tracker, domain)
        if output_channel.name() in NO_FEEDBACK_CHANNELS:
            return events
        responses = domain.responses.get(NOT_HELPFUL_TITLE) or [{}]
        title = responses[0].get("text")
        for event in events:
            data = getattr(event, "data", None)
            if title and isinstance(data, dict) and event.text:
                data["buttons"] = [
                    *(data.get("buttons") or []),
                    {"title": title, "payload": NOT_HELPFUL_PAYLOAD},
                ]
        return events

    answer.__wrapped__ = run  # type: ignore[attr-defined]
    return answer


def _speed_up_dialogue_states() -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain

    from server import dialogue_speed

    Domain.states_for_tracker_history = dialogue_speed.states_for_tracker_history
    if not hasattr(RulePolicy._get_possible_keys, "__wrapped__"):
        RulePolicy._get_possible_keys = dialogue_speed.rule_keys_from_recent_states(
            RulePolicy._get_possible_keys
        )
    RulePolicy._rule_key_to_state = staticmethod(dialogue_speed.rule_key_to_state)
