import QtQuick
import Antrean.Display.Models

// A slow crawl of the service standards (requirements, time, cost) and device alerts.
// The text is laid twice in a row and moved by one copy's width: a seamless loop.
Rectangle {
    id: bar

    required property Board board
    required property real u
    readonly property real speed: 9 * u   // pixels per second: slow enough to read

    color: Theme.panel

    Rectangle {
        id: tag
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom }
        width: tagText.implicitWidth + 3 * bar.u
        color: bar.board.hasAlerts ? Theme.alert : Theme.accent
        z: 1
        Text {
            textFormat: Text.PlainText
            id: tagText
            anchors.centerIn: parent
            text: bar.board.hasAlerts ? "⚠ " + bar.board.t.alert : bar.board.t.info
            color: bar.board.hasAlerts ? Theme.text : Theme.accentText
            font { family: Theme.font; bold: true; pixelSize: Math.max(bar.u, bar.height * 0.45) }
        }
    }

    Item {
        anchors { left: tag.right; right: parent.right; top: parent.top; bottom: parent.bottom }
        clip: true

        Row {
            id: crawl
            anchors.verticalCenter: parent.verticalCenter
            spacing: 0

            Text {
                textFormat: Text.PlainText
                id: first
                readonly property bool scrolling: true  // a marquee: it moves through on purpose
                text: bar.board.ticker + "          "
                color: Theme.text
                font { family: Theme.font; pixelSize: Math.max(bar.u, bar.height * 0.5) }
            }
            Text {
                textFormat: Text.PlainText
                readonly property bool scrolling: true
                text: first.text
                color: Theme.text
                font: first.font
            }
        }

        NumberAnimation {
            id: move
            target: crawl
            property: "x"
            from: 2 * bar.u
            to: 2 * bar.u - first.width
            duration: Math.max(1000, first.width / bar.speed * 1000)
            loops: Animation.Infinite
            running: first.width > 0
        }
    }

    Connections {
        target: bar.board
        function onTickerChanged() { move.restart() }
    }
}
