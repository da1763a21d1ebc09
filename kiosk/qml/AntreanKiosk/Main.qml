import QtQuick
import QtQuick.Window
import AntreanKiosk.Backend

// The kiosk window. Everything it shows comes from `vm`; the screens are stacked and the
// view-model's `screen` says which overlay is up. `u` is the size unit: 1/60 of the short side.
Window {
    id: root

    required property KioskViewModel vm
    readonly property bool portrait: height > width * 1.05
    readonly property real u: Math.max(4, Math.min(width, height) / 60)

    visible: true
    title: "Antrean — Kiosk"
    Component.onCompleted: Theme.priorityColors = vm.priorityColors
    color: Theme.bg

    Header {
        id: header
        vm: root.vm
        u: root.u
        portrait: root.portrait
        anchors { left: parent.left; right: parent.right; top: parent.top }
    }

    // A USB barcode scanner is a keyboard: it types the ticket's QR (its id), then Enter.
    // Nothing else on the kiosk takes keyboard focus, so every key lands here.
    Item {
        objectName: "keyCatcher"
        focus: true
        Keys.onPressed: (event) => {
            if (event.text !== "") {
                root.vm.keyTyped(event.text)
                event.accepted = true
            }
        }
    }

    Item {
        id: body
        anchors { left: parent.left; right: parent.right; top: header.bottom; bottom: parent.bottom }

        StartScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            portrait: root.portrait
            visible: root.vm.screen !== "out-of-service"  // no tiles while the hub refuses us
        }
        TicketScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            visible: root.vm.screen === "confirm" || root.vm.screen === "printer-fault"
        }
        MessageScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            visible: root.vm.screen === "refused"
        }
        // Visible for the whole flow: the busy and hub-down layers above cover it while a
        // request is out, so the start screen never flashes in between.
        RateScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            portrait: root.portrait
            visible: root.vm.rating.step !== ""
        }
        SurveyScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            portrait: root.portrait
            visible: root.vm.survey.step !== ""
        }
        ComplaintScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            portrait: root.portrait
            visible: root.vm.complaint.step !== ""
        }
        BusyScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            visible: root.vm.screen === "busy"
        }
        HubDownScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            visible: root.vm.screen === "hub-down"
        }
        OutOfServiceScreen {
            anchors.fill: parent
            vm: root.vm
            u: root.u
            visible: root.vm.screen === "out-of-service"
        }
    }

    StaffPanel {
        anchors.fill: parent
        vm: root.vm
        u: root.u
        visible: root.vm.staff.open
    }
}
