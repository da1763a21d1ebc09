import QtQuick
import AntreanKiosk.Backend

// A request is out. Usually answered within a blink, so the words only appear after a moment
// (no flicker); the layer blocks touches from the start.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10

    color: "transparent"
    onVisibleChanged: { label.visible = false; if (visible) delay.restart() }

    Timer {
        id: delay
        interval: 400
        onTriggered: label.visible = true
    }
    Rectangle {
        id: label
        visible: false
        anchors.fill: parent
        color: Theme.bg
        opacity: 0.95

        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            width: parent.width - 8 * screen.u
            text: screen.vm.busyText
            color: Theme.ink
            font.pixelSize: 4.4 * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
}
