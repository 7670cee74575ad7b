"""Live sessions: phones join, follow the slides and answer questions over Socket.IO.

The logic lives in plain functions (service, state, presence); the Socket.IO
namespaces only validate payloads, call them and emit the results.
"""
