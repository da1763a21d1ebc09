import QtQuick

// The ticket this counter is serving: number, service, priority badge, waits.
Rectangle {
    id: card
    required property Theme theme
    required property var view
    readonly property var ticket: view.ticket
    radius: 12 * theme.u
    color: theme.card

    Text {
        textFormat: Text.PlainText
        id: heading
        anchors { left: parent.left; top: parent.top; margins: 14 * card.theme.u }
        text: card.view.t.current
        font.family: card.theme.font
        font.pixelSize: card.theme.f(17)
        color: card.theme.muted
    }

    Row {
        id: numberRow
        visible: card.ticket.present
        anchors { left: parent.left; leftMargin: 20 * card.theme.u; top: heading.bottom }
        spacing: 20 * card.theme.u
        Text {
            textFormat: Text.PlainText
            id: bigNumber
            text: card.ticket.number
            font.family: card.theme.font
            font.pixelSize: Math.min(96 * card.theme.u, card.height * 0.5)
            font.bold: true
            color: card.theme.ink
        }
        Rectangle {
            visible: card.ticket.priority !== ""
            anchors.verticalCenter: bigNumber.verticalCenter
            width: badge.implicitWidth + 24 * card.theme.u
            height: badge.implicitHeight + 12 * card.theme.u
            radius: height / 2
            color: card.ticket.priorityColor  // the category's colour, as on the kiosk
            Text {
                textFormat: Text.PlainText
                id: badge
                anchors.centerIn: parent
                text: card.ticket.priority
                font.family: card.theme.font
                font.pixelSize: card.theme.f(24)
                font.bold: true
                color: "white"
            }
        }
    }

    Column {
        visible: card.ticket.present
        anchors { left: numberRow.left; right: parent.right; rightMargin: 14 * card.theme.u
                  top: numberRow.bottom }
        spacing: 2 * card.theme.u
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: card.ticket.service
            font.family: card.theme.font
            font.pixelSize: card.theme.f(22)
            font.bold: true
            color: card.theme.ink
            elide: Text.ElideRight
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            text: [card.ticket.waited, card.ticket.calledAgo, card.ticket.recalls]
                  .filter(s => s !== "").join("  ·  ")
            font.family: card.theme.font
            font.pixelSize: card.theme.f(17)
            color: card.theme.muted
            elide: Text.ElideRight
        }
    }

    Text {
        textFormat: Text.PlainText
        visible: !card.ticket.present
        anchors.centerIn: parent
        width: parent.width - 40 * card.theme.u
        text: card.ticket.empty
        font.family: card.theme.font
        font.pixelSize: card.theme.f(30)
        color: card.view.paused ? card.theme.pause : card.theme.muted
        font.bold: card.view.paused
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
    }
}
