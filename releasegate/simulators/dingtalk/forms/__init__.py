"""The approval form as a tester fills it in, and ReleaseGate's connector its actions call:
the form designer's bindings (design.py), opened forms (sessions.py) and the steps that
change them (form.py); the calls to the connector, signed and recorded (connector_calls.py),
and the connector node after the last approver (connector_node.py); their control
endpoints (api.py) and their sections of the `/_sim/` page (page.py)."""
