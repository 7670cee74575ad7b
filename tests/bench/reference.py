"""A minimal Flask-SocketIO server (gevent) with the shape of Kit's live events: the benchmark's reference.

`python tests/bench/reference.py` with HOST, PORT, REF_SESSIONS (JSON: join code → session id) and REF_STATES
(a JSON file: the states that Kit sends a phone, at connection under "0" and for each question opened under its
number; tests/bench/data.py builds them with Kit's own code). No database: an answer is appended to a list and
acknowledged at once; `question` broadcasts Kit's state of that question to a room, with this session's id
and version. The phones receive the same bytes from both servers.
"""

import json
import os

from flask import Flask, session
from flask_socketio import SocketIO, emit, join_room

app = Flask(__name__)
app.config["SECRET_KEY"] = "reference"
socketio = SocketIO(app, async_mode="gevent")
sessions: dict[str, int] = json.loads(os.environ.get("REF_SESSIONS", "{}"))
answers: list[tuple[int, int]] = []
versions: dict[int, int] = {}
states: dict[str, dict] = {}
if os.environ.get("REF_STATES"):
    with open(os.environ["REF_STATES"]) as file:
        states = json.load(file)


@app.get("/")
def index() -> dict:
    counts: dict[str, int] = {}
    for _session, quiz in answers:
        counts[str(quiz)] = counts.get(str(quiz), 0) + 1
    return {"answers": counts}


@socketio.on("connect", namespace="/participant")
def phone_connect(auth: dict) -> None:
    session["s"] = sessions[auth["code"]]
    join_room(f"s{session['s']}")
    emit("state", {**states.get("0", {"question": None}), "session": session["s"],
                   "version": versions.get(session["s"], 0)})


@socketio.on("answer", namespace="/participant")
def answer(data: dict) -> dict:
    answers.append((session["s"], data["quiz"]))
    return {"ok": True, "quiz": data["quiz"], "choices": data["choices"]}


@socketio.on("connect", namespace="/animateur")
def animator_connect(auth: dict) -> None:
    session["s"] = auth["session"]


@socketio.on("question", namespace="/animateur")
def question(data: dict) -> dict:
    versions[session["s"]] = version = versions.get(session["s"], 0) + 1
    state = {**states.get(str(data["quiz"]), {"question": {"number": data["quiz"], "state": "open"}}),
             "session": session["s"], "version": version}
    socketio.emit("state", state, to=f"s{session['s']}", namespace="/participant")
    return {"ok": True, "version": version}


if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]))
