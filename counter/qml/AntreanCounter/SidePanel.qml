import QtQuick

// The queue of each service this counter serves, then the post's other counters.
Column {
    id: side
    required property Theme theme
    required property var view
    required property var vm
    spacing: 10 * theme.u

    Rectangle {
        width: side.width
        height: queueCol.implicitHeight + 20 * side.theme.u
        radius: 12 * side.theme.u
        color: side.theme.card
        Column {
            id: queueCol
            x: 14 * side.theme.u
            y: 10 * side.theme.u
            width: parent.width - 28 * side.theme.u
            spacing: 8 * side.theme.u
            Text {
                textFormat: Text.PlainText
                text: side.view.t.queue_title
                font.family: side.theme.font
                font.pixelSize: side.theme.f(17)
                color: side.theme.muted
            }
            Repeater {
                model: side.vm.queueModel
                delegate: Row {
                    id: qrow
                    required property string letter
                    required property string name
                    required property int waiting
                    required property int priority
                    required property string oldest
                    required property bool open
                    width: queueCol.width
                    spacing: 10 * side.theme.u
                    Rectangle {
                        width: 40 * side.theme.u
                        height: width
                        radius: 8 * side.theme.u
                        color: qrow.open ? side.theme.bar : side.theme.disabled
                        Text {
                            textFormat: Text.PlainText
                            anchors.centerIn: parent
                            text: qrow.letter
                            font.family: side.theme.font
                            font.pixelSize: side.theme.f(22)
                            font.bold: true
                            color: "white"
                        }
                    }
                    Column {
                        width: qrow.width - 50 * side.theme.u
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            text: qrow.name + (qrow.open ? ""
                                  : " (" + side.view.t.closed + ")")
                            font.family: side.theme.font
                            font.pixelSize: side.theme.f(17)
                            font.bold: true
                            color: side.theme.ink
                            elide: Text.ElideRight
                        }
                        Text {
                            textFormat: Text.PlainText
                            width: parent.width
                            // Each figure with its word kept together (no-break spaces):
                            // on a small screen the line wraps between figures, never cut.
                            text: (side.view.t.waiting + " " + qrow.waiting).replace(/ /g, "\u00a0")
                                  + "  ·  " + (side.view.t.priority_waiting + " "
                                  + qrow.priority).replace(/ /g, "\u00a0") + "  ·  "
                                  + (side.view.t.oldest + " " + qrow.oldest).replace(/ /g, "\u00a0")
                            font.family: side.theme.font
                            font.pixelSize: side.theme.f(15)
                            color: qrow.priority > 0 ? side.theme.ink : side.theme.muted
                            font.bold: qrow.priority > 0
                            wrapMode: Text.WordWrap
                        }
                    }
                }
            }
        }
    }

    Rectangle {
        width: side.width
        height: othersCol.implicitHeight + 20 * side.theme.u
        radius: 12 * side.theme.u
        color: side.theme.card
        Column {
            id: othersCol
            x: 14 * side.theme.u
            y: 10 * side.theme.u
            width: parent.width - 28 * side.theme.u
            spacing: 6 * side.theme.u
            Text {
                textFormat: Text.PlainText
                text: side.view.t.others_title
                font.family: side.theme.font
                font.pixelSize: side.theme.f(17)
                color: side.theme.muted
            }
            Text {
                textFormat: Text.PlainText
                visible: othersRepeater.count === 0
                text: side.view.t.no_others
                font.family: side.theme.font
                font.pixelSize: side.theme.f(15)
                color: side.theme.muted
            }
            Repeater {
                id: othersRepeater
                model: side.vm.othersModel
                delegate: Row {
                    id: orow
                    required property int number
                    required property string counterState
                    required property string stateText
                    required property string ticket
                    required property bool onLan
                    required property string lanText
                    width: othersCol.width
                    spacing: 8 * side.theme.u
                    Text {
                        textFormat: Text.PlainText
                        text: "●"
                        font.family: side.theme.font
                        font.pixelSize: side.theme.f(15)
                        color: orow.onLan ? side.theme.ok : side.theme.disabled
                        visible: orow.onLan || orow.lanText !== ""
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Text {
                        id: counterLabel
                        textFormat: Text.PlainText
                        text: side.view.t.counter + " " + orow.number
                        font.family: side.theme.font
                        font.pixelSize: side.theme.f(17)
                        font.bold: true
                        color: side.theme.ink
                    }
                    Text {
                        textFormat: Text.PlainText
                        width: orow.width - x
                        text: orow.stateText
                              + (orow.ticket !== "" ? " " + orow.ticket : "")
                              + (orow.lanText === "" || orow.onLan ? ""
                                 : "  (" + orow.lanText + ")")
                        font.family: side.theme.font
                        font.pixelSize: side.theme.f(15)
                        color: orow.counterState === "paused" ? side.theme.pause
                                                                  : side.theme.ink
                        wrapMode: Text.WordWrap
                        anchors.verticalCenter: parent.verticalCenter
                    }
                }
            }
        }
    }
}
