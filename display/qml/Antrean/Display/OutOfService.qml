import QtQuick
import Antrean.Display.Models

// The hub answers but refuses this display's token (or it has none): no calls can reach the
// board, so it says so rather than show a board that never changes. Residents read the
// first line from the back of the hall; staff read the rest up close. It comes back by
// itself once the hub takes the token.
Rectangle {
    id: oos
    objectName: "outOfService"

    required property Board board
    required property real u
    readonly property var lines: board.oos

    visible: board.outOfService
    color: Theme.bg
    z: 3

    Column {
        anchors.centerIn: parent
        width: parent.width - 8 * oos.u
        spacing: 3 * oos.u

        Text {
            objectName: "outOfServiceText"
            textFormat: Text.PlainText
            width: parent.width
            text: oos.lines.title
            color: Theme.accent
            font { family: Theme.font; bold: true; pixelSize: 6 * oos.u }
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            width: parent.width
            height: detail.implicitHeight + 4 * oos.u
            radius: oos.u
            color: Theme.panel
            border { color: Theme.panelLine; width: 0.3 * oos.u }

            Column {
                id: detail
                x: 2 * oos.u
                y: 2 * oos.u
                width: parent.width - 4 * oos.u
                spacing: 0.8 * oos.u

                component Line: Text {
                    width: detail.width
                    color: Theme.text
                    font { family: Theme.font; pixelSize: 2.4 * oos.u }
                    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                    textFormat: Text.PlainText
                }
                Line { text: oos.lines.forStaff; color: Theme.dim; font.bold: true }
                Line { objectName: "outOfServiceHub"; text: oos.lines.hub }
                Line {
                    objectName: "outOfServiceRefused"
                    text: oos.lines.refused
                    color: Theme.accent
                    font.bold: true
                }
                Line { objectName: "outOfServiceFix"; text: oos.lines.fix }
                Line { objectName: "outOfServiceFix2"; text: oos.lines.fix2 }
                Line { text: oos.lines.after; color: Theme.dim }
            }
        }
    }
}
