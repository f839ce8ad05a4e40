"""A tester filling in the approval form in DingTalk, driven through the control API.

A form session is one opened 新建审批 form. Opening it calls the `projects` action for
项目名称's options; choosing a value in a bound select calls the action bound to that
control (design.py); submitting checks the required controls, then calls
`validate`. `valid: false` refuses the submission with its `message`, as DingTalk shows
校验错误信息, and nothing is created; `valid: true` starts the instance with each
control's value as DingTalk stores it (a select's chosen option's readable value) and
the approvers configured for the process.

A failed call (HTTP error, timeout, an answer that is not JSON or not of the declared
shape) is what a form shows: options that cannot load, or a submission that is blocked.
How DingTalk words those notices is not documented (UNCONFIRMED); ours say what failed.
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.forms import connector_node
from releasegate.simulators.dingtalk.forms.design import (
    FIXED_OPTIONS,
    ON_CHANGE,
    ON_LOAD,
    SELECT_TYPES,
    OptionsBinding,
    ValidationAnswer,
    option_list_at,
    options_check,
    submission_body,
    validation_check,
)
from releasegate.simulators.dingtalk.forms.sessions import (
    FieldState,
    FormError,
    FormSession,
    Source,
)
from releasegate.simulators.dingtalk.settings import FormField
from releasegate.simulators.dingtalk.state import NewInstance, World

_BOUND = frozenset(label for binding in (ON_LOAD, *ON_CHANGE.values()) for label in binding.outputs)


def described(world: World, session: FormSession) -> dict[str, Any]:
    calls = world.connector.calls(subject=session.id)
    with session.lock:
        return session.as_dict([call["id"] for call in calls])


# -- the tester's steps ---------------------------------------------------------------


def open_form(world: World, user_id: str) -> FormSession:
    """Open a new form as `user_id`; the on-load binding fills 项目名称."""
    user = world.settings.user(user_id)
    if user is None:
        raise FormError(400, f"no user {user_id} in the organisation")
    fields = {spec.label: _field(spec) for spec in world.settings.form}
    session = world.forms.add(user, fields, world.clock.now_ms())
    with session.lock:
        _load(world, session, ON_LOAD, "form load")
    return session


def fill(world: World, session: FormSession, values: dict[str, Any]) -> None:
    """Set controls in the order given, each as the tester would: a select takes one of
    its options (by id or value, "" clears it), other controls any text. A change of a
    bound control calls its action before the next value is set."""
    with session.lock:
        _must_be_open(session)
        for label, given in values.items():
            _set(world, session, str(label), "" if given is None else str(given))


def submit(world: World, session: FormSession) -> None:
    """Submit the form: the required controls, then the validate action. The outcome is
    in the session: `state` "submitted" with `instance_id`, or `refusal`."""
    with session.lock:
        _must_be_open(session)
        refusal = _required_missing(session) or _validation_refusal(world, session)
        if refusal:
            session.refusal = refusal
            session.notices.append(refusal)
            return
        new = NewInstance(
            originator=session.user,
            dept_id=session.user.dept_id,
            form=[(label, value) for label, value in session.values().items() if value],
        )
        with world.lock:
            instance = world.start_instance(new, via_api=False)
        session.state, session.instance_id, session.refusal = "submitted", instance.instance_id, ""
    # A process without approvers reaches the connector node at once.
    connector_node.follow(world, instance)


# -- how the form behaves ----------------------------------------------------------------


def _field(spec: FormField) -> FieldState:
    source: Source = "text"
    options: list[tuple[str, str]] = []
    if spec.component_type in SELECT_TYPES and spec.label in _BOUND:
        source = "connector"
    elif spec.component_type in SELECT_TYPES and spec.label in FIXED_OPTIONS:
        source, options = "fixed", [(value, value) for value in FIXED_OPTIONS[spec.label]]
    return FieldState(spec.label, spec.component_type, spec.required, source, options)


def _must_be_open(session: FormSession) -> None:
    if session.state != "open":
        raise FormError(409, f"form {session.id} was submitted as {session.instance_id}")


def _set(world: World, session: FormSession, label: str, given: str) -> None:
    state = session.fields.get(label)
    if state is None:
        raise FormError(400, f"the form has no control {label}")
    before = state.value
    if state.source == "text":
        state.value = given
    elif not given:
        state.value = state.option_id = ""
    else:
        state.option_id, state.value = _option(state, given)
    if state.value != before and label in ON_CHANGE:
        _load(world, session, ON_CHANGE[label], f"control change: {label}")


def _option(state: FieldState, given: str) -> tuple[str, str]:
    """The option `given` names, by id or by value."""
    for key, value in state.options:
        if given in (key, value):
            return key, value
    offered = "、".join(value for _, value in state.options) or "none"
    raise FormError(400, f"{given!r} is not an option of {state.label} (options: {offered})")


def _load(world: World, session: FormSession, binding: OptionsBinding, trigger: str) -> None:
    """Call `binding`'s action with the controls' current values and put the answer's
    option lists into the bound selects. A chosen option that is no longer offered is
    cleared, which changes that control in turn. On failure the options stay as they
    were and the form says it could not load them."""
    values = session.values()
    body = {name: values.get(label, "") for name, label in binding.inputs.items()}
    call = world.connector.call(
        binding.action, body, trigger=trigger, subject=session.id, check=options_check(binding)
    )
    targets = [label for label in binding.outputs if _loaded_by(session, label)]
    if not call.ok:
        session.notices.append(f"无法加载 {'、'.join(targets)} 的选项：{call.outcome}")
        return
    cleared = []
    for label in targets:
        state = session.fields[label]
        state.options = option_list_at(call.answer, binding.outputs[label]).pairs()
        if state.option_id and state.option_id not in {key for key, _ in state.options}:
            state.value = state.option_id = ""
            cleared.append(label)
    for label in cleared:
        if label in ON_CHANGE:
            _load(world, session, ON_CHANGE[label], f"control change: {label}")


def _loaded_by(session: FormSession, label: str) -> bool:
    state = session.fields.get(label)
    return state is not None and state.source == "connector"


def _required_missing(session: FormSession) -> str:
    """DingTalk's form checks its required controls before anything is called."""
    missing = [
        label for label, state in session.fields.items() if state.required and not state.value
    ]
    return f"请填写必填项：{'、'.join(missing)}" if missing else ""


def _validation_refusal(world: World, session: FormSession) -> str:
    """ "" when validate lets the form through; otherwise what the tester is shown."""
    call = world.connector.call(
        "validate",
        submission_body(session.values()),
        trigger="form submit",
        subject=session.id,
        check=validation_check,
    )
    if not call.ok:
        return f"提交校验失败，无法提交：{call.outcome}"
    answer = ValidationAnswer.model_validate(call.answer)
    if answer.valid:
        return ""
    # An empty 校验错误信息 still blocks; DingTalk's own wording for that is not known.
    return answer.message or "校验未通过"
