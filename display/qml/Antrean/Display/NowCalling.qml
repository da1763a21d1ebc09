import QtQuick
import Antrean.Display.Models

// The ticket being called now, as large as the panel allows, with its counter.
// A new call turns the panel amber for a few seconds (board.fresh) and flashes it.
Rectangle {
    id: panel

    required property Board board
    required property real u
    readonly property color ink: board.fresh ? Theme.accentText : Theme.text
    readonly property color numberInk: board.fresh ? Theme.accentText : Theme.accent

    radius: u
    color: board.fresh ? Theme.accent : Theme.panel
    border { color: Theme.panelLine; width: 0.3 * u }

    Text {
        textFormat: Text.PlainText
        id: label
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1.5 * panel.u
                  bottomMargin: 0 }
        height: parent.height * 0.1
        text: panel.board.isRecall ? panel.board.t.recall : panel.board.t.nowCalling
        color: panel.ink
        font { family: Theme.font; bold: true; pixelSize: 4.2 * panel.u; capitalization: Font.AllUppercase }
        fontSizeMode: Text.Fit
        minimumPixelSize: 2 * panel.u
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }

    Text {
        textFormat: Text.PlainText
        id: number
        objectName: "number"
        visible: panel.board.hasCall
        anchors { left: parent.left; right: parent.right; top: label.bottom; margins: 1.5 * panel.u
                  topMargin: 0; bottomMargin: 0 }
        height: parent.height * 0.5
        text: panel.board.number
        color: panel.numberInk
        font { family: Theme.font; bold: true; pixelSize: Math.max(8 * panel.u, height * 1.1); letterSpacing: 0.5 * panel.u }
        fontSizeMode: Text.Fit
        minimumPixelSize: 8 * panel.u
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }

    Text {
        textFormat: Text.PlainText
        id: counter
        objectName: "counter"
        visible: panel.board.hasCall
        anchors { left: parent.left; right: parent.right; top: number.bottom; margins: 1.5 * panel.u
                  topMargin: 0; bottomMargin: 0 }
        height: parent.height * 0.22
        text: "→ " + panel.board.t.counter + " " + panel.board.counter
        color: panel.ink
        font { family: Theme.font; bold: true; pixelSize: Math.max(4 * panel.u, height); capitalization: Font.AllUppercase }
        fontSizeMode: Text.Fit
        minimumPixelSize: 4 * panel.u
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }

    // The service, and the priority category in its own colour (as on the kiosk's button
    // and the counter's ticket): "Administrasi Kependudukan  [Lansia]".
    Item {
        id: serviceLine
        visible: panel.board.hasCall
        anchors { left: parent.left; right: parent.right; top: counter.bottom; bottom: parent.bottom
                  margins: 1.5 * panel.u; topMargin: 0 }
        readonly property real size: Math.min(4 * panel.u, height * 0.7)

        Rectangle {
            id: priorityChip
            objectName: "priorityChip"
            visible: panel.board.priorityLabel !== ""
            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
            width: visible ? chipText.implicitWidth + 2 * panel.u : 0
            height: chipText.implicitHeight + 0.6 * panel.u
            radius: height / 2
            color: panel.board.priorityColor || Theme.panel
            border { color: "white"; width: Math.max(1, 0.2 * panel.u) }
            Text {
                id: chipText
                textFormat: Text.PlainText
                anchors.centerIn: parent
                text: panel.board.priorityLabel
                color: "white"
                font { family: Theme.font; bold: true; pixelSize: serviceLine.size }
            }
        }
        Text {
            textFormat: Text.PlainText
            anchors { left: parent.left; top: parent.top; bottom: parent.bottom
                      right: priorityChip.left; rightMargin: priorityChip.visible ? panel.u : 0 }
            text: panel.board.serviceName
            color: panel.ink
            font { family: Theme.font; pixelSize: serviceLine.size }
            fontSizeMode: Text.Fit
            minimumPixelSize: 2 * panel.u
            elide: Text.ElideRight
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    Column {
        visible: !panel.board.hasCall
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 3 * panel.u }
        spacing: 3 * panel.u

        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: panel.board.t.noCall
            color: Theme.text
            font { family: Theme.font; bold: true; pixelSize: 7 * panel.u }
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 3 * panel.u
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: panel.board.t.noCallHint
            color: Theme.dim
            font { family: Theme.font; pixelSize: 4 * panel.u }
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }

    Rectangle {
        id: flashCover
        anchors.fill: parent
        radius: parent.radius
        color: "#ffffff"
        opacity: 0

        SequentialAnimation {
            id: flashing
            loops: 3
            NumberAnimation { target: flashCover; property: "opacity"; to: 0.75; duration: 160 }
            NumberAnimation { target: flashCover; property: "opacity"; to: 0; duration: 340 }
        }
    }

    Connections {
        target: panel.board
        function onFlash() { flashing.restart() }
    }
}
