import QtQuick
import Antrean.Display.Models

// How many residents wait, per service: letter, name, count ("Tutup" when closed).
// Below them, while the hub reports a surge, a calm note: "Layanan Kesehatan sedang ramai
// — mohon bersabar" (board.surgeNote); the rows make room for it.
Rectangle {
    id: box
    objectName: "waitingBox"

    required property Board board
    required property real u
    readonly property real rowHeight: Math.max(2 * u, Math.min(list.height / Math.max(list.count, 1), 9 * u))

    radius: u
    color: Theme.panel
    border { color: Theme.panelLine; width: 0.3 * u }

    Text {
        textFormat: Text.PlainText
        id: title
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1.5 * box.u }
        height: Math.min(5.5 * box.u, box.height * 0.18)
        text: box.board.t.waiting
        color: Theme.dim
        font { family: Theme.font; bold: true; pixelSize: 3.4 * box.u }
        fontSizeMode: Text.Fit
        minimumPixelSize: 1.8 * box.u
        verticalAlignment: Text.AlignVCenter
    }

    ListView {
        id: list
        objectName: "waitingRows"
        anchors {
            left: parent.left; right: parent.right; top: title.bottom
            bottom: note.visible ? note.top : parent.bottom
            leftMargin: 1.5 * box.u; rightMargin: 1.5 * box.u; bottomMargin: box.u
        }
        clip: true
        interactive: false
        model: box.board.waiting

        delegate: Item {
            id: row

            required property string letter
            required property string name
            required property int waiting
            required property bool open

            width: ListView.view.width
            height: box.rowHeight

            Rectangle {
                id: chip
                anchors.verticalCenter: parent.verticalCenter
                width: row.height * 0.8
                height: width
                radius: 0.6 * box.u
                color: row.open ? Theme.accent : Theme.closed
                Text {
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: row.letter
                    color: Theme.accentText
                    font { family: Theme.font; bold: true; pixelSize: chip.height * 0.7 }
                }
            }
            Text {
                textFormat: Text.PlainText
                anchors {
                    left: chip.right; leftMargin: 1.2 * box.u
                    right: count.left; rightMargin: 1.2 * box.u
                    top: parent.top; bottom: parent.bottom
                }
                text: row.name
                color: row.open ? Theme.text : Theme.closed
                font { family: Theme.narrow; pixelSize: Math.min(row.height * 0.55, 4.6 * box.u) }
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Math.min(row.height * 0.38, 3 * box.u)
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
            }
            Text {
                textFormat: Text.PlainText
                id: count
                anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
                text: row.open ? row.waiting : box.board.t.closed
                color: row.open ? Theme.text : Theme.closed
                font { family: Theme.font; bold: true; pixelSize: Math.min(row.height * (row.open ? 0.7 : 0.45), 6.5 * box.u) }
                horizontalAlignment: Text.AlignRight
                verticalAlignment: Text.AlignVCenter
            }
        }
    }

    Rectangle {
        id: note
        objectName: "surgeNote"
        visible: box.board.surgeNote !== ""
        anchors {
            left: parent.left; right: parent.right; bottom: parent.bottom
            leftMargin: 1.5 * box.u; rightMargin: 1.5 * box.u; bottomMargin: 1.5 * box.u
        }
        height: Math.min(8.5 * box.u, box.height * 0.3)
        radius: 0.6 * box.u
        color: Theme.bg
        border { color: Theme.accent; width: Math.max(1, 0.25 * box.u) }

        Text {
            textFormat: Text.PlainText
            objectName: "surgeText"
            anchors { fill: parent; leftMargin: 1.5 * box.u; rightMargin: 1.5 * box.u; topMargin: 0.5 * box.u; bottomMargin: 0.5 * box.u }
            text: box.board.surgeNote.replace(" — ", " —\n")  // what, then the plea: two lines
            color: Theme.text
            font { family: Theme.font; bold: true; pixelSize: 3.2 * box.u }
            fontSizeMode: Text.Fit
            minimumPixelSize: 1.6 * box.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }
}
