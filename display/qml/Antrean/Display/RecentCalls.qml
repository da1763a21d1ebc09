import QtQuick
import Antrean.Display.Models

// The calls before the current one, newest first: number and counter, one per row, as large
// as a resident at the back of the hall needs them (10 % of the screen's short side for the
// number). As many rows as fit at that size are shown, the newest.
Rectangle {
    id: box

    required property Board board
    required property real u
    readonly property real pad: 1.5 * u
    // The number and "→ Loket 12" side by side: the size at which the widest fits the row.
    readonly property real rowWidth: width - 2 * pad
    readonly property real numberSize: Math.floor(Math.min(10 * u, rowWidth / Math.max(0.01,
        (numberMetrics.advanceWidth("A000") + 0.84 * counterMetrics.advanceWidth(
            "→ " + board.t.counter + " 10 ↻")) / 100 + 0.2)))
    readonly property real rowHeight: numberSize * numberMetrics.height / 100 * 1.08
    readonly property int rows: Math.max(0, Math.min(board.history,
        Math.floor((height - title.y - title.height - pad) / rowHeight)))

    radius: u
    color: Theme.panel
    border { color: Theme.panelLine; width: 0.3 * u }

    FontMetrics { id: numberMetrics; font { family: Theme.font; bold: true; pixelSize: 100 } }
    FontMetrics { id: counterMetrics; font { family: Theme.font; bold: true; pixelSize: 100 } }

    Text {
        id: title
        textFormat: Text.PlainText
        x: box.pad
        y: box.pad * 0.6
        width: box.rowWidth
        text: box.board.t.recent
        color: Theme.dim
        font { family: Theme.font; bold: true; pixelSize: 3.4 * box.u }
        elide: Text.ElideRight
    }

    Text {
        textFormat: Text.PlainText
        visible: list.count === 0
        anchors { top: title.bottom; left: parent.left; right: parent.right; margins: box.pad }
        text: box.board.t.noRecent
        color: Theme.dim
        font { family: Theme.font; pixelSize: 4 * box.u }
        horizontalAlignment: Text.AlignHCenter
    }

    Column {
        x: box.pad
        y: title.y + title.height + 0.5 * box.u
        width: box.rowWidth

        Repeater {
            id: list
            objectName: "recentRows"
            model: box.board.calls

            delegate: Item {
                id: row

                required property int index
                required property string number
                required property int counter
                required property bool recall

                visible: index < box.rows  // the newest that fit; the rest would be cut
                width: box.rowWidth
                height: visible ? box.rowHeight : 0

                Rectangle {
                    visible: row.index > 0
                    anchors { left: parent.left; right: parent.right; top: parent.top }
                    height: Math.max(1, 0.15 * box.u)
                    color: Theme.panelLine
                }
                Text {
                    objectName: "recentNumber"
                    textFormat: Text.PlainText
                    anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                    text: row.number
                    color: Theme.accent
                    font { family: Theme.font; bold: true; pixelSize: box.numberSize }
                }
                Text {
                    objectName: "recentCounter"
                    textFormat: Text.PlainText
                    anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                    text: "→ " + box.board.t.counter + " " + row.counter + (row.recall ? " ↻" : "")
                    color: Theme.text
                    font { family: Theme.font; bold: true; pixelSize: Math.floor(0.84 * box.numberSize) }
                }
            }
        }
    }
}
