"""Long-connection mode (长连接, reference section A3): Feishu's WebSocket gateway that
delivers events to a client the app opened (gateway.py), the protobuf frames on it
(frames.py), when each delivery is sent again (deliveries.py) and what it keeps
(records.py); the endpoint call and the control endpoints (api.py), and their client
(control.py)."""
