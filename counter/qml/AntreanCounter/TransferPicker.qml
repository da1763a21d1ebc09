import QtQuick

// Pick the service to transfer the current ticket to: touch a row or press its digit.
Rectangle {
    id: picker
    required property Theme theme
    required property var view
    required property var vm
    signal chosen(string service)
    signal cancelled()
    color: Qt.rgba(0.05, 0.1, 0.18, 0.72)

    MouseArea { anchors.fill: parent; onClicked: picker.cancelled() }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 60 * picker.theme.u, 720 * picker.theme.u)
        height: box.implicitHeight + 36 * picker.theme.u
        radius: 14 * picker.theme.u
        color: picker.theme.card
        MouseArea { anchors.fill: parent }  // clicks inside do not cancel
        Column {
            id: box
            x: 18 * picker.theme.u
            y: 18 * picker.theme.u
            width: parent.width - 36 * picker.theme.u
            spacing: 10 * picker.theme.u
            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: picker.view.transfer.title
                font.family: picker.theme.font
                font.pixelSize: picker.theme.f(26)
                font.bold: true
                color: picker.theme.ink
                elide: Text.ElideRight
            }
            Repeater {
                model: picker.vm.transferModel
                delegate: KeyButton {
                    required property string service
                    required property string key
                    required property string letter
                    required property string name
                    theme: picker.theme
                    objectName: "transfer_" + service
                    width: box.width
                    height: Math.max(48, 64 * picker.theme.u)
                    tint: picker.theme.transfer
                    label: letter + "  " + name
                    keyCap: key
                    horizontal: true
                    labelSize: 22
                    onPressed: picker.chosen(service)
                }
            }
            KeyButton {
                theme: picker.theme
                width: box.width
                height: Math.max(44, 56 * picker.theme.u)
                tint: picker.theme.pause
                label: picker.view.transfer.cancel
                keyCap: "Esc / ⌫ / /"
                horizontal: true
                labelSize: 20
                onPressed: picker.cancelled()
            }
        }
    }
}
