"""The packets the server builds: JSON only, never walked in search of binary attachments."""

from __future__ import annotations

import pytest
from socketio import packet

from kit.live.frames import GuardedPacket


def test_an_outgoing_packet_is_encoded_without_walking_its_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    def walked(_cls: object, _data: object) -> bool:
        raise AssertionError("the payload was walked in search of bytes")

    monkeypatch.setattr(packet.Packet, "data_is_binary", classmethod(walked))
    roster = {"participants": [{"id": n, "name": f"Phone {n}", "answer": [0, 1]} for n in range(300)]}
    event = GuardedPacket(packet.EVENT, data=["roster", roster], namespace="/animateur")
    ack = GuardedPacket(packet.ACK, data=[{"ok": True}], namespace="/participant", id=7)

    assert event.packet_type == packet.EVENT and ack.packet_type == packet.ACK
    assert event.encode().startswith('2/animateur,["roster",{"participants":[{"id":0,"name":"Phone 0"')
    assert ack.encode() == '3/participant,7[{"ok":true}]'


def test_bytes_in_a_payload_fail_loudly_instead_of_leaving_as_an_attachment() -> None:
    with pytest.raises(TypeError):
        GuardedPacket(packet.EVENT, data=["state", {"photo": b"\x89PNG"}]).encode()
