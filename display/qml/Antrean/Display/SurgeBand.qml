import QtQuick
import Antrean.Display.Models

// While the hub reports a surge, a calm note across the whole board: "Layanan Kesehatan
// sedang ramai — mohon bersabar" (board.surgeNote). A band the hall reads, not a corner box.
Rectangle {
    id: band
    objectName: "surgeNote"

    required property Board board
    required property real u

    visible: board.surgeNote !== ""
    height: visible ? note.implicitHeight + 2 * u : 0
    radius: u
    color: Theme.accent

    Text {
        id: note
        objectName: "surgeText"
        textFormat: Text.PlainText
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                  leftMargin: 2 * band.u; rightMargin: 2 * band.u }
        text: band.board.surgeNote
        color: Theme.accentText
        font { family: Theme.font; bold: true; pixelSize: 4.2 * band.u }
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
    }
}
