import QtQuick
import Antrean.Display.Models

// The calls before the current one, newest first: number and counter, one per row.
Rectangle {
    id: box

    required property Board board
    required property real u
    readonly property real rowHeight: Math.max(2 * u, (height - title.height - 2 * u) / Math.max(board.history, 1))

    radius: u
    color: Theme.panel
    border { color: Theme.panelLine; width: 0.3 * u }

    Text {
        textFormat: Text.PlainText
        id: title
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1.5 * box.u }
        height: Math.min(5.5 * box.u, box.height * 0.16)
        text: box.board.t.recent
        color: Theme.dim
        font { family: Theme.font; bold: true; pixelSize: 3.4 * box.u }
        fontSizeMode: Text.Fit
        minimumPixelSize: 1.8 * box.u
        verticalAlignment: Text.AlignVCenter
    }

    Text {
        textFormat: Text.PlainText
        visible: list.count === 0
        anchors { top: title.bottom; left: parent.left; right: parent.right; margins: 1.5 * box.u }
        text: box.board.t.noRecent
        color: Theme.dim
        font { family: Theme.font; pixelSize: 4 * box.u }
        horizontalAlignment: Text.AlignHCenter
    }

    ListView {
        id: list
        anchors {
            left: parent.left; right: parent.right; top: title.bottom; bottom: parent.bottom
            leftMargin: 1.5 * box.u; rightMargin: 1.5 * box.u; bottomMargin: box.u
        }
        clip: true
        interactive: false
        model: box.board.calls

        delegate: Item {
            id: row

            required property int index
            required property string number
            required property int counter
            required property bool recall

            width: ListView.view.width
            height: box.rowHeight

            Rectangle {
                visible: row.index > 0
                anchors { left: parent.left; right: parent.right; top: parent.top }
                height: Math.max(1, 0.15 * box.u)
                color: Theme.panelLine
            }
            Text {
                textFormat: Text.PlainText
                id: num
                anchors { left: parent.left; top: parent.top; bottom: parent.bottom }
                width: parent.width * 0.45
                text: row.number
                color: Theme.accent
                font { family: Theme.font; bold: true; pixelSize: Math.min(box.rowHeight * 0.72, 7 * box.u) }
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 2 * box.u
                verticalAlignment: Text.AlignVCenter
            }
            Text {
                textFormat: Text.PlainText
                anchors { left: num.right; right: parent.right; top: parent.top; bottom: parent.bottom }
                text: "→ " + box.board.t.counter + " " + row.counter + (row.recall ? " ↻" : "")
                color: Theme.text
                font { family: Theme.font; bold: true; pixelSize: Math.min(box.rowHeight * 0.6, 6 * box.u) }
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 2 * box.u
                horizontalAlignment: Text.AlignRight
                verticalAlignment: Text.AlignVCenter
            }
        }
    }
}
