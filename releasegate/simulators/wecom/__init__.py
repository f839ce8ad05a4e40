"""A WeCom (企业微信) on loopback that speaks the server API, for the demo, the tests and
the benchmarks.

- server.py puts it on a socket. app.py routes WeCom's API under `/cgi-bin/` (tokens.py,
  ratelimits.py, faults.py, messages.py); control_api.py routes the `/_sim/` control
  API, whose pages are page.py and form_page.py and whose client is control.py. wire.py
  holds requests, responses and the clock.
- state.py is everything it knows; settings.py, what it is configured with.
- approvals/: the template, applications and the approval APIs. forms.py: a person
  filling in the release form; externally sourced Selectors open ReleaseGate's picker
  pages, which talk to the JS-SDK stand-in (jssdk.py, jwxwork.js, form_bridge.js).
- Callbacks reach ReleaseGate as sealed XML (callbacks.py, events.py, crypto.py) on a
  DeliveryLoop (releasegate/simulators/delivery_loop.py).
"""
