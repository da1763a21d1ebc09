import QtQuick
import AntreanKiosk.Backend

// The confirmation: the number very large, the service, people ahead, the estimated wait.
// On a printer fault the same, under a red banner asking the resident to note the number.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10
    readonly property bool fault: vm.screen === "printer-fault"
    readonly property var t: vm.ticket

    Rectangle {
        id: banner
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: (screen.fault ? 11 : 8) * screen.u
        color: screen.fault ? Theme.fault : Theme.ok

        Text {
            textFormat: Text.PlainText
            anchors.fill: parent
            anchors.margins: screen.u
            text: screen.fault ? "⚠ " + screen.vm.words.printerFault : "✓ " + screen.vm.words.yourNumber
            color: "white"
            font.pixelSize: (screen.fault ? 4.4 : 4) * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    Item {
        id: content
        anchors { left: parent.left; right: parent.right; top: banner.bottom; bottom: footer.top
                  leftMargin: 3 * screen.u; rightMargin: 3 * screen.u }

        Text {
            textFormat: Text.PlainText
            id: number
            objectName: "ticketNumber"
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: parent.height * 0.46
            text: screen.t.number
            color: screen.fault ? Theme.fault : Theme.ink
            font.pixelSize: height
            font.bold: true
            fontSizeMode: Text.Fit
            minimumPixelSize: 20
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        Text {
            textFormat: Text.PlainText
            id: service
            anchors { left: parent.left; right: parent.right; top: number.bottom }
            height: parent.height * 0.15
            text: screen.t.service + (screen.t.priority ? "  ·  " + screen.t.priority : "")
            color: Theme.ink
            font.pixelSize: 4.2 * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        Text {
            textFormat: Text.PlainText
            id: ahead
            anchors { left: parent.left; right: parent.right; top: service.bottom }
            height: parent.height * 0.24
            text: screen.t.ahead + (screen.t.wait ? "\n" + screen.t.wait : "")
            color: Theme.ink
            font.pixelSize: 3.4 * screen.u
            fontSizeMode: Text.Fit  // (no extra line height: Fit would not count it)
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        Text {
            textFormat: Text.PlainText
            anchors { left: parent.left; right: parent.right; top: ahead.bottom; bottom: parent.bottom }
            // Issued while the hub is away: say calmly that the ticket counts all the same.
            text: screen.fault ? screen.vm.words.printerFaultSub
                  : screen.t.offline ? screen.vm.words.offlineNote : screen.vm.words.takeTicket
            color: screen.fault ? Theme.fault : screen.t.offline ? Theme.ink : Theme.muted
            font.pixelSize: 2.8 * screen.u
            font.bold: screen.fault || screen.t.offline === true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    Item {
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 10 * screen.u

        Rectangle {  // time left before the start screen returns
            anchors { left: parent.left; top: parent.top }
            height: Math.max(3, 0.5 * screen.u)
            color: screen.fault ? Theme.fault : Theme.ok
            width: parent.width * progress
            property real progress: 1.0
            NumberAnimation on progress {
                running: screen.visible
                from: 1.0; to: 0.0
                duration: screen.vm.shownSeconds * 1000
            }
        }
        BigButton {
            objectName: "doneButton"
            u: screen.u
            anchors.centerIn: parent
            text: screen.vm.words.done
            tint: screen.fault ? Theme.fault : Theme.ok
            onClicked: screen.vm.dismiss()
        }
    }
}
