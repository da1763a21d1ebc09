import QtQuick

// A plain on-screen QWERTY keyboard with big keys: digits, letters, a few marks, backspace and
// a wide space bar. The keys show capitals; the complaint decides the case (kiosk.complaint).
Item {
    id: keyboard

    property real u: 10
    property string spaceText: "Spasi"
    readonly property var rows: [["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
                                 ["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
                                 ["A", "S", "D", "F", "G", "H", "J", "K", "L", "back"],
                                 ["Z", "X", "C", "V", "B", "N", "M", ",", ".", "?"],
                                 ["space"]]
    readonly property real gap: 0.8 * u
    readonly property real keyWidth: (width - 9 * gap) / 10
    readonly property real keyHeight: (height - 4 * gap) / 5
    signal typed(string k)
    signal backspace()

    Column {
        spacing: keyboard.gap
        Repeater {
            model: keyboard.rows
            Row {
                required property var modelData
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: keyboard.gap
                Repeater {
                    model: parent.modelData
                    BigButton {
                        required property string modelData
                        objectName: "kb-" + modelData
                        u: keyboard.u
                        implicitWidth: modelData === "space" ? 6 * keyboard.keyWidth + 5 * keyboard.gap
                                                             : keyboard.keyWidth
                        implicitHeight: keyboard.keyHeight
                        radius: 0.6 * keyboard.u
                        textSize: Math.min(3.6 * keyboard.u, keyboard.keyHeight * 0.55)
                        text: modelData === "back" ? "⌫" : modelData === "space" ? keyboard.spaceText : modelData
                        filled: false
                        tint: modelData === "back" ? Theme.fault : Theme.ink
                        onClicked: modelData === "back" ? keyboard.backspace()
                                   : keyboard.typed(modelData === "space" ? " " : modelData)
                    }
                }
            }
        }
    }
}
