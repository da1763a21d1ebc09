import QtQuick

// The hub answers but refuses this counter's token (or it has none): nothing can be sent, so
// the buttons are covered. Which hub, what it refused, the step that fixes it; the counter
// asks again every few seconds and comes back by itself.
Rectangle {
    id: oos
    required property Theme theme
    required property var view
    readonly property var lines: view.oos
    color: theme.bg

    MouseArea { anchors.fill: parent }  // nothing under it can be pressed

    Column {
        anchors.centerIn: parent
        width: parent.width - 48 * oos.theme.u
        spacing: 10 * oos.theme.u

        Text {
            objectName: "outOfServiceText"
            textFormat: Text.PlainText
            width: parent.width
            text: "⚠  " + oos.lines.title
            font.family: oos.theme.font
            font.pixelSize: oos.theme.f(34)
            font.bold: true
            color: oos.theme.danger
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            width: parent.width
            height: detail.implicitHeight + 28 * oos.theme.u
            radius: 12 * oos.theme.u
            color: oos.theme.card
            Column {
                id: detail
                x: 18 * oos.theme.u
                y: 14 * oos.theme.u
                width: parent.width - 36 * oos.theme.u
                spacing: 6 * oos.theme.u

                component Line: Text {
                    width: detail.width
                    font.family: oos.theme.font
                    font.pixelSize: oos.theme.f(18)
                    color: oos.theme.ink
                    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                    textFormat: Text.PlainText
                }
                Line { objectName: "outOfServiceHub"; text: oos.lines.hub }
                Line {
                    objectName: "outOfServiceRefused"
                    text: oos.lines.refused
                    font.bold: true
                    color: oos.theme.danger
                }
                Line { text: oos.lines.forStaff; font.bold: true; color: oos.theme.muted }
                Line { objectName: "outOfServiceFix"; text: oos.lines.fix }
                Line { objectName: "outOfServiceFix2"; text: oos.lines.fix2 }
                Line { text: oos.lines.after; color: oos.theme.muted }
            }
        }
    }
}
