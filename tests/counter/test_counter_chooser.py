"""First start with no number: the clerk picks a free one; a used one is refused.

In-process counter with mDNS on 127.0.0.1 (its hub is on loopback), and another
"counter" announced on 127.0.0.1 that already holds number 5.
"""

from __future__ import annotations

import json

from counter_helpers import TEST_POST

from antrean.discovery import Advertiser


def test_choose_a_free_number_keep_it_and_refuse_a_used_one(counter_hub, qtbot, tmp_path):
    from counter.viewmodel import CounterViewModel, Options

    state = tmp_path / "state" / "counter.json"

    def counter() -> CounterViewModel:
        vm = CounterViewModel(Options(url=counter_hub.url, token=counter_hub.tokens["counter"],
                                      name="meja-baru", claim_wait_s=1.2, state_file=state))
        vm.start()
        return vm

    with Advertiser("counter", TEST_POST, "meja-lima", 0, counter=5,
                    interfaces=["127.0.0.1"], extra={"since": "1"}):
        vm = counter()
        try:
            qtbot.waitUntil(lambda: vm.desk.phase == "choose", timeout=10000)
            qtbot.waitUntil(lambda: 5 not in vm.render_now()["chooser"]["free"], timeout=5000)
            view = vm.render_now()["chooser"]
            assert view["used"] == [{"number": 5, "name": "meja-lima"}]

            vm.chooseNumber(5)
            assert vm.desk.phase == "choose"
            assert vm.render_now()["chooser"]["message"] == \
                "Loket 5 sudah dipakai perangkat lain (meja-lima). Pilih nomor lain."

            from PySide6.QtCore import Qt

            for key in (Qt.Key.Key_6, Qt.Key.Key_Enter):  # typed on the keypad
                assert vm.key(key)
            assert vm.desk.phase == "ready" and vm.desk.number == 6
            assert json.loads(state.read_text())["number"] == 6
            qtbot.waitUntil(lambda: vm.desk.queue is not None, timeout=5000)
        finally:
            vm.close()

    # The next start takes the kept number by itself (no LAN needed to read it back).
    vm = CounterViewModel(Options(url=counter_hub.url, token=counter_hub.tokens["counter"],
                                  mdns=False, state_file=state))
    vm.start()
    try:
        qtbot.waitUntil(lambda: vm.desk.phase == "ready", timeout=10000)
        assert vm.desk.number == 6
    finally:
        vm.close()
