import QtQuick
import Antrean.Display.Models

// The post's name on the left; the date and the clock (post time, e.g. WIB) on the right.
Rectangle {
    id: header

    required property Board board
    required property real u

    color: Theme.panel

    Text {
        textFormat: Text.PlainText
        objectName: "postName"
        anchors {
            left: parent.left; leftMargin: 2 * header.u
            right: clockBox.left; rightMargin: 2 * header.u
            verticalCenter: parent.verticalCenter
        }
        height: parent.height * 0.8
        text: header.board.postName
        color: Theme.text
        font { family: Theme.font; bold: true; pixelSize: 5.2 * header.u }
        fontSizeMode: Text.Fit
        minimumPixelSize: 2.4 * header.u
        wrapMode: Text.WordWrap
        verticalAlignment: Text.AlignVCenter
    }

    Column {
        id: clockBox
        anchors { right: parent.right; rightMargin: 2 * header.u; verticalCenter: parent.verticalCenter }
        spacing: 0.2 * header.u

        Text {
            textFormat: Text.PlainText
            anchors.right: parent.right
            text: header.board.clockText + (header.board.zoneText ? " " + header.board.zoneText : "")
            color: Theme.accent
            font { family: Theme.font; bold: true; pixelSize: Math.min(5.4 * header.u, header.height * 0.5) }
        }
        Text {
            textFormat: Text.PlainText
            anchors.right: parent.right
            text: header.board.dateText
            color: Theme.text
            font { family: Theme.font; pixelSize: Math.min(2.9 * header.u, header.height * 0.27) }
        }
    }
}
