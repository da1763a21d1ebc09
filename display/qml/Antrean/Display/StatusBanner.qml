import QtQuick
import Antrean.Display.Models

// Shown across the top while the hub is out of reach ("Koneksi ke hub terputus …").
// The board underneath keeps showing what it last knew.
Rectangle {
    id: banner
    objectName: "statusBanner"

    required property Board board
    required property real u

    visible: board.statusText !== ""
    color: Theme.alert
    z: 2

    Text {
        textFormat: Text.PlainText
        anchors { fill: parent; margins: banner.u }
        text: banner.board.statusText
        color: Theme.text
        font { family: Theme.font; bold: true; pixelSize: 4 * banner.u }
        fontSizeMode: Text.Fit
        minimumPixelSize: 2 * banner.u
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
}
