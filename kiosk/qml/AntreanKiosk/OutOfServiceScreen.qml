import QtQuick
import AntreanKiosk.Backend

// The hub answers but refuses this kiosk's token (or it has none): no service tiles, a plain
// word for residents, and below it, smaller, what staff need — which hub, what it refused,
// the step that fixes it. The kiosk keeps looking and comes back by itself.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10
    readonly property var detail: vm.outOfService
    readonly property bool portrait: height > width

    Column {
        anchors.centerIn: parent
        width: parent.width - 6 * screen.u
        spacing: 1.6 * screen.u

        Grid {  // the sign beside the words; above them on a portrait screen
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 2 * screen.u
            horizontalItemAlignment: Grid.AlignHCenter
            verticalItemAlignment: Grid.AlignVCenter

            Rectangle {  // a "no entry" sign: closed, not broken
                id: sign
                width: 8 * screen.u
                height: width
                radius: width / 2
                color: Theme.fault

                Rectangle {
                    anchors.centerIn: parent
                    width: parent.width * 0.62
                    height: parent.height * 0.16
                    radius: height / 3
                    color: "white"
                }
            }
            Text {
                objectName: "outOfServiceText"
                textFormat: Text.PlainText
                width: Math.min(implicitWidth, screen.width - 6 * screen.u
                                - (screen.portrait ? 0 : sign.width + 2 * screen.u))
                text: screen.vm.words.outOfService
                color: Theme.ink
                font.pixelSize: 4.6 * screen.u
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: screen.portrait ? Text.AlignHCenter : Text.AlignLeft
            }
        }

        Rectangle {
            width: parent.width
            height: staff.implicitHeight + 2.4 * screen.u
            radius: screen.u
            color: Theme.card
            border.color: Theme.line
            border.width: Math.max(1, 0.2 * screen.u)

            Column {
                id: staff
                x: 1.6 * screen.u
                y: 1.2 * screen.u
                width: parent.width - 3.2 * screen.u
                spacing: 0.5 * screen.u

                component Line: Text {
                    width: staff.width
                    color: Theme.ink
                    font.pixelSize: Math.max(14, 2.1 * screen.u)
                    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                    textFormat: Text.PlainText
                }

                Line {
                    text: screen.vm.words.forStaff
                    color: Theme.muted
                    font.bold: true
                }
                Line { objectName: "outOfServiceHub"; text: screen.detail.hub }
                Line {
                    objectName: "outOfServiceRefused"
                    text: screen.detail.refused
                    color: Theme.fault
                    font.bold: true
                }
                Line { objectName: "outOfServiceFix"; text: screen.detail.fix }
                Line { objectName: "outOfServiceFix2"; text: screen.detail.fix2 }
                Line { text: screen.detail.after; color: Theme.muted }
            }
        }
    }
}
