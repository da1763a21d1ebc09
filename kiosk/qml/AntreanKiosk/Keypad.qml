import QtQuick

// The number pad for a ticket number: the post's service letters on top (each in its tile's
// colour, in the tiles' order), then the digits and a backspace key. Keys are as large as
// the pad's area allows.
Item {
    id: pad

    property var letters: []
    property real u: 10
    readonly property real gap: u
    readonly property int letterColumns: Math.max(3, Math.min(5, letters.length))
    readonly property int letterRows: Math.ceil(letters.length / letterColumns)
    readonly property int rows: letterRows + 4
    readonly property real keyHeight: (height - (rows - 1) * gap - (letterRows > 0 ? gap : 0)) / rows
    readonly property real digitWidth: (width - 2 * gap) / 3
    signal key(string k)
    signal backspace()

    Grid {
        id: letterGrid
        columns: pad.letterColumns
        spacing: pad.gap
        Repeater {
            model: pad.letters
            BigButton {
                required property string modelData
                required property int index
                objectName: "key-" + modelData
                u: pad.u
                implicitWidth: (pad.width - (pad.letterColumns - 1) * pad.gap) / pad.letterColumns
                implicitHeight: pad.keyHeight
                textSize: Math.min(5 * pad.u, pad.keyHeight * 0.6)
                text: modelData
                tint: Theme.tileColors[index % Theme.tileColors.length]
                onClicked: pad.key(modelData)
            }
        }
    }

    Grid {
        y: pad.letterRows > 0 ? letterGrid.height + 2 * pad.gap : 0
        columns: 3
        spacing: pad.gap
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "back"]
            BigButton {
                required property string modelData
                objectName: "key-" + modelData
                u: pad.u
                enabled: modelData !== ""
                opacity: enabled ? 1 : 0  // keeps its place in the grid
                implicitWidth: pad.digitWidth
                implicitHeight: pad.keyHeight
                textSize: Math.min(5 * pad.u, pad.keyHeight * 0.6)
                text: modelData === "back" ? "⌫" : modelData
                filled: false
                tint: modelData === "back" ? Theme.fault : Theme.ink
                onClicked: modelData === "back" ? pad.backspace() : pad.key(modelData)
            }
        }
    }
}
