import QtQuick
import AntreanKiosk.Backend

// The hub does not answer. Say so plainly; the kiosk keeps trying by itself. A resident whose
// touch is waiting is told that the number will come.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10

    Column {
        anchors.centerIn: parent
        width: parent.width - 6 * screen.u
        spacing: 2 * screen.u

        Item {
            width: parent.width
            height: 12 * screen.u

            Rectangle {
                id: ring
                anchors.centerIn: parent
                width: 12 * screen.u
                height: width
                radius: width / 2
                color: "transparent"
                border.color: Theme.warn
                border.width: screen.u
            }
            Rectangle {  // a dot going round: the kiosk is still trying
                width: 2.4 * screen.u
                height: width
                radius: width / 2
                color: Theme.header
                x: parent.width / 2 - width / 2 + Math.cos(angle) * 6 * screen.u
                y: parent.height / 2 - height / 2 + Math.sin(angle) * 6 * screen.u
                property real angle: 0
                NumberAnimation on angle {
                    running: screen.visible
                    loops: Animation.Infinite
                    from: 0; to: 2 * Math.PI
                    duration: 2400
                }
            }
            Text {
                textFormat: Text.PlainText
                anchors.centerIn: ring
                text: "!"
                color: Theme.warn
                font.pixelSize: 7 * screen.u
                font.bold: true
            }
        }
        Text {
            textFormat: Text.PlainText
            objectName: "hubDownText"
            width: parent.width
            text: screen.vm.words.hubDown
            color: Theme.ink
            font.pixelSize: 5 * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: screen.vm.words.hubDownSub
            color: Theme.muted
            font.pixelSize: 2.8 * screen.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            visible: screen.vm.pendingText !== ""
            width: parent.width
            height: pending.implicitHeight + 3 * screen.u
            radius: screen.u
            color: Theme.card
            border.color: Theme.warn
            border.width: Math.max(2, 0.4 * screen.u)

            Text {
                textFormat: Text.PlainText
                id: pending
                anchors.centerIn: parent
                width: parent.width - 4 * screen.u
                text: screen.vm.pendingText
                color: Theme.ink
                font.pixelSize: 3 * screen.u
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
