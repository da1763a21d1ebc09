import QtQuick
import AntreanKiosk.Backend

// The staff menu: a PIN pad, then the last tickets of this kiosk with a reprint button each.
Overlay {
    id: panel

    required property KioskViewModel vm
    property real u: 10
    readonly property StaffMenu staff: vm.staff

    color: "#cc13202b"

    Rectangle {
        id: card
        anchors.centerIn: parent
        width: Math.min(parent.width - 4 * panel.u, 100 * panel.u)
        height: parent.height - 4 * panel.u
        radius: panel.u
        color: Theme.card

        Text {
            textFormat: Text.PlainText
            id: title
            anchors { left: parent.left; top: parent.top; right: closeButton.left; margins: 2 * panel.u }
            text: panel.vm.words.staffTitle
            color: Theme.ink
            font.pixelSize: 4 * panel.u
            font.bold: true
            elide: Text.ElideRight
        }
        BigButton {
            id: closeButton
            objectName: "staffClose"
            u: panel.u
            anchors { right: parent.right; top: parent.top; margins: 1.5 * panel.u }
            implicitWidth: 16 * panel.u
            implicitHeight: 6 * panel.u
            text: panel.vm.words.close
            filled: false
            onClicked: panel.staff.hide()
        }
        Text {
            textFormat: Text.PlainText
            id: message
            anchors { left: parent.left; right: parent.right; top: closeButton.bottom; margins: 2 * panel.u
                      topMargin: panel.u }
            text: panel.staff.message
            height: text !== "" ? 8 * panel.u : 0
            color: panel.staff.unlocked ? Theme.ok : Theme.fault
            font.pixelSize: 2.6 * panel.u
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 9
            verticalAlignment: Text.AlignVCenter
        }

        // Locked, no PIN set: say how to set one.
        Text {
            textFormat: Text.PlainText
            objectName: "noPinText"
            visible: !panel.staff.unlocked && !panel.staff.pinConfigured
            anchors { left: parent.left; right: parent.right; top: message.bottom; margins: 2 * panel.u }
            text: panel.vm.words.noPin
            color: Theme.ink
            font.pixelSize: 3 * panel.u
            wrapMode: Text.WordWrap
        }

        // Locked: the PIN pad.
        Item {
            id: pad
            visible: !panel.staff.unlocked && panel.staff.pinConfigured
            anchors { left: parent.left; right: parent.right; top: message.bottom; bottom: parent.bottom
                      margins: 2 * panel.u }
            // Keys as big as fit: at most 1.4 times wider than high, three across, four down.
            readonly property real keyHeight: Math.min((height - dots.height - 4 * panel.u) / 4,
                                                       (width - 2 * panel.u) / 3)
            readonly property real keyWidth: Math.min((width - 2 * panel.u) / 3, keyHeight * 1.4)

            Text {
                textFormat: Text.PlainText
                id: dots
                anchors.horizontalCenter: parent.horizontalCenter
                text: panel.vm.words.enterPin + "   " + "●".repeat(panel.staff.pinLength)
                color: Theme.ink
                font.pixelSize: 3 * panel.u
                height: 5 * panel.u
                verticalAlignment: Text.AlignVCenter
            }
            Grid {
                anchors { top: dots.bottom; topMargin: panel.u; horizontalCenter: parent.horizontalCenter }
                columns: 3
                spacing: panel.u
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"]
                    BigButton {
                        required property string modelData
                        objectName: "pin-" + modelData
                        u: panel.u
                        implicitWidth: pad.keyWidth
                        implicitHeight: pad.keyHeight
                        text: modelData === "C" ? panel.vm.words.clear : modelData
                        filled: modelData === "OK"
                        onClicked: {
                            if (modelData === "OK") panel.staff.submit()
                            else if (modelData === "C") panel.staff.clear()
                            else panel.staff.digit(modelData)
                        }
                    }
                }
            }
        }

        // Unlocked: printer and hub state, the recent tickets.
        Item {
            visible: panel.staff.unlocked
            anchors { left: parent.left; right: parent.right; top: message.bottom; bottom: parent.bottom
                      margins: 2 * panel.u }

            Text {
                textFormat: Text.PlainText
                id: status
                width: parent.width
                text: panel.staff.statusText
                color: Theme.ink
                font.pixelSize: 2.6 * panel.u
                wrapMode: Text.WordWrap
            }
            Text {
                textFormat: Text.PlainText
                id: recentTitle
                anchors { top: status.bottom; topMargin: panel.u }
                text: panel.staff.recent.length ? panel.vm.words.recent : panel.vm.words.noRecent
                color: Theme.muted
                font.pixelSize: 2.6 * panel.u
                font.bold: true
            }
            ListView {
                anchors { top: recentTitle.bottom; topMargin: panel.u; left: parent.left; right: parent.right
                          bottom: parent.bottom }
                clip: true
                spacing: panel.u
                model: panel.staff.recent
                delegate: Rectangle {
                    required property var modelData
                    width: ListView.view.width
                    height: 8 * panel.u
                    radius: panel.u / 2
                    color: modelData.printed ? Theme.bg : "#fbe9e7"

                    Text {
                        textFormat: Text.PlainText
                        id: num
                        anchors { left: parent.left; leftMargin: panel.u; verticalCenter: parent.verticalCenter }
                        width: 14 * panel.u
                        text: parent.modelData.number
                        color: Theme.ink
                        font.pixelSize: 4 * panel.u
                        font.bold: true
                    }
                    Text {
                        textFormat: Text.PlainText
                        anchors { left: num.right; right: reprintButton.left; margins: panel.u
                                  verticalCenter: parent.verticalCenter }
                        text: parent.modelData.time + "  " + parent.modelData.service + "\n" + parent.modelData.state
                        color: Theme.ink
                        font.pixelSize: 2.2 * panel.u
                        elide: Text.ElideRight
                        maximumLineCount: 2
                    }
                    BigButton {
                        id: reprintButton
                        objectName: "reprint-" + parent.modelData.number
                        u: panel.u
                        anchors { right: parent.right; rightMargin: panel.u; verticalCenter: parent.verticalCenter }
                        implicitWidth: 22 * panel.u
                        implicitHeight: 6.5 * panel.u
                        text: panel.vm.words.reprint
                        onClicked: panel.staff.reprint(parent.modelData.ticketId)
                    }
                }
            }
        }
    }
}
