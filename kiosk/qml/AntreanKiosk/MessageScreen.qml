import QtQuick
import AntreanKiosk.Backend

// The hub said no (a service closed meanwhile, the quota ran out): say why, then go back.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10

    Column {
        anchors.centerIn: parent
        width: parent.width - 8 * screen.u
        spacing: 3 * screen.u

        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: screen.vm.words.sorry
            color: Theme.fault
            font.pixelSize: 5 * screen.u
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: screen.vm.message
            color: Theme.ink
            font.pixelSize: 4 * screen.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        BigButton {
            u: screen.u
            anchors.horizontalCenter: parent.horizontalCenter
            text: screen.vm.words.ok
            onClicked: screen.vm.dismiss()
        }
    }
}
