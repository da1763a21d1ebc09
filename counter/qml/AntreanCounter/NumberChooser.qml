import QtQuick

// Choose this counter's number among those no other counter on the LAN announces.
Rectangle {
    id: chooser
    required property Theme theme
    required property var view
    required property var vm
    readonly property var c: view.chooser
    signal chosen(int number)
    color: theme.bg

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 60 * chooser.theme.u, 900 * chooser.theme.u)
        spacing: 14 * chooser.theme.u
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: chooser.c.title
            font.family: chooser.theme.font
            font.pixelSize: chooser.theme.f(34)
            font.bold: true
            color: chooser.theme.ink
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            visible: chooser.c.message !== ""
            width: parent.width
            height: msg.implicitHeight + 16 * chooser.theme.u
            radius: 8 * chooser.theme.u
            color: chooser.theme.danger
            Text {
                textFormat: Text.PlainText
                id: msg
                anchors.centerIn: parent
                width: parent.width - 24 * chooser.theme.u
                text: chooser.c.message
                font.family: chooser.theme.font
                font.pixelSize: chooser.theme.f(20)
                font.bold: true
                color: "white"
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: chooser.c.help
            font.family: chooser.theme.font
            font.pixelSize: chooser.theme.f(18)
            color: chooser.theme.muted
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            visible: chooser.c.typed !== ""
            width: parent.width
            text: chooser.c.typedText + ": " + chooser.c.typed + "  ⏎"
            font.family: chooser.theme.font
            font.pixelSize: chooser.theme.f(26)
            font.bold: true
            color: chooser.theme.next
            horizontalAlignment: Text.AlignHCenter
        }
        Flow {
            visible: chooser.view.phase === "choose"
            width: parent.width
            spacing: 10 * chooser.theme.u
            Repeater {
                model: chooser.vm.freeNumbersModel
                delegate: KeyButton {
                    required property int number
                    theme: chooser.theme
                    objectName: "number_" + number
                    width: 84 * chooser.theme.u
                    height: 70 * chooser.theme.u
                    tint: chooser.theme.next
                    label: String(number)
                    labelSize: 30
                    onPressed: chooser.chosen(number)
                }
            }
        }
        Text {
            textFormat: Text.PlainText
            visible: chooser.c.usedLine !== ""
            width: parent.width
            text: chooser.c.usedLine
            font.family: chooser.theme.font
            font.pixelSize: chooser.theme.f(16)
            color: chooser.theme.muted
            wrapMode: Text.WordWrap
        }
    }
}
