import QtQuick

// Typing a ticket number: what to do, the number so far (large), why it was refused, the
// keypad, and the two ways out. Landscape: words left, keypad right; portrait: stacked.
Item {
    id: screen

    property real u: 10
    property bool portrait: false
    property string title: ""
    property string hint: ""
    property string entry: ""
    property string message: ""
    property var letters: []
    property string okText: "OK"
    property bool okEnabled: true
    property string cancelText: ""
    property string prefix: "number"  // objectName prefix of the two buttons
    readonly property real pad: 2 * u
    signal key(string k)
    signal backspace()
    signal ok()
    signal cancel()

    Item {
        id: words
        x: screen.pad
        y: screen.pad
        width: screen.portrait ? screen.width - 2 * screen.pad : screen.width * 0.44 - 1.5 * screen.pad
        height: screen.portrait ? Math.min(screen.height * 0.36, column.implicitHeight)
                                : buttons.y - y - screen.pad

        Column {
            id: column
            width: parent.width
            spacing: 1.2 * screen.u

            Text {  // one line: the words below need the room
                textFormat: Text.PlainText
                width: parent.width
                height: 5 * screen.u
                text: screen.title
                color: Theme.ink
                font.pixelSize: 4.2 * screen.u
                font.bold: true
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 10
                verticalAlignment: Text.AlignVCenter
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: screen.hint
                color: Theme.muted
                font.pixelSize: 2.5 * screen.u
                wrapMode: Text.WordWrap
            }
            Rectangle {
                width: parent.width
                height: 9 * screen.u
                radius: screen.u
                color: Theme.card
                border.color: screen.message ? Theme.fault : Theme.header
                border.width: Math.max(2, 0.4 * screen.u)

                Text {
                    textFormat: Text.PlainText
                    objectName: screen.prefix + "Entry"
                    anchors.centerIn: parent
                    text: screen.entry !== "" ? screen.entry : "A12"
                    opacity: screen.entry !== "" ? 1 : 0.25
                    color: Theme.ink
                    font.pixelSize: 7 * screen.u
                    font.bold: true
                    font.letterSpacing: 0.5 * screen.u
                }
            }
            Text {
                textFormat: Text.PlainText
                objectName: screen.prefix + "Message"
                visible: text !== ""
                width: parent.width
                text: screen.message
                color: Theme.fault
                font.pixelSize: 2.8 * screen.u
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }
    }

    Keypad {
        id: keypad
        u: screen.u
        letters: screen.letters
        x: screen.portrait ? screen.pad : words.x + words.width + 3 * screen.pad
        y: screen.portrait ? words.y + words.height + screen.pad : screen.pad
        width: screen.width - x - screen.pad
        height: screen.portrait ? buttons.y - y - 2 * screen.pad : screen.height - 2 * screen.pad
        onKey: (k) => screen.key(k)
        onBackspace: screen.backspace()
    }

    Row {
        id: buttons
        x: screen.pad
        y: screen.height - height - screen.pad
        width: words.width
        spacing: screen.pad

        BigButton {
            objectName: screen.prefix + "Cancel"
            u: screen.u
            implicitWidth: (buttons.width - buttons.spacing) / 2
            text: screen.cancelText
            filled: false
            onClicked: screen.cancel()
        }
        BigButton {
            objectName: screen.prefix + "Ok"
            u: screen.u
            implicitWidth: (buttons.width - buttons.spacing) / 2
            text: screen.okText
            tint: Theme.ok
            enabled: screen.okEnabled
            onClicked: screen.ok()
        }
    }
}
