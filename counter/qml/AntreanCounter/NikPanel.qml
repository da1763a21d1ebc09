import QtQuick

// The NIK step of a programme's resident: type the 16 digits (keypad or touch), check, then
// the clerk records "Diberikan" or "Ditolak: sudah menerima". Everything shown is
// ``view.nik``; every touch goes to ``vm.nik``.
Rectangle {
    id: panel
    required property Theme theme
    required property var view
    required property var vm
    readonly property var n: view.nik
    readonly property real u: theme.u
    readonly property bool deciding: n.phase === "result" || n.phase === "recording"
    color: Qt.rgba(0.05, 0.1, 0.18, 0.78)

    MouseArea { anchors.fill: parent }  // the screen below is not touched through the panel

    Rectangle {
        id: card
        anchors.fill: parent
        anchors.margins: Math.max(8, 24 * panel.u)
        radius: 14 * panel.u
        color: panel.theme.card
        readonly property real pad: Math.max(10, 20 * panel.u)
        readonly property real gap: Math.max(6, 10 * panel.u)

        Text {
            id: title
            objectName: "nikTitle"
            textFormat: Text.PlainText
            anchors { left: parent.left; right: parent.right; top: parent.top
                      margins: card.pad }
            text: panel.n.title
            font.family: panel.theme.font
            font.pixelSize: panel.theme.f(28)
            font.bold: true
            color: panel.theme.ink
            elide: Text.ElideRight
        }

        // Left: what was typed, the problem or the hub's answer, the decision.
        Column {
            id: left
            anchors { left: parent.left; top: title.bottom; bottom: keysLine.top
                      margins: card.pad }
            width: (card.width - 3 * card.pad) * 0.56
            spacing: card.gap

            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: panel.n.help
                visible: !panel.deciding
                font.family: panel.theme.font
                font.pixelSize: panel.theme.f(18)
                color: panel.theme.muted
                wrapMode: Text.WordWrap
            }
            Rectangle {
                width: parent.width
                height: digits.implicitHeight + 16 * panel.u
                radius: 8 * panel.u
                color: "#f3f6f9"
                border.color: panel.n.problem !== "" ? panel.theme.danger : "#b8c3cf"
                border.width: Math.max(2, 3 * panel.u)
                Text {
                    id: digits
                    objectName: "nikDigits"
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    text: panel.n.typed !== "" ? panel.n.typed : "–"
                    font.family: "DejaVu Sans Mono"
                    font.pixelSize: panel.theme.f(44)
                    font.bold: true
                    color: panel.theme.ink
                }
            }
            Text {
                textFormat: Text.PlainText
                text: panel.n.count
                visible: !panel.deciding
                font.family: panel.theme.font
                font.pixelSize: panel.theme.f(17)
                color: panel.n.complete ? panel.theme.ok : panel.theme.muted
                font.bold: panel.n.complete
            }
            Text {
                objectName: "nikProblem"
                textFormat: Text.PlainText
                width: parent.width
                visible: panel.n.problem !== ""
                text: panel.n.problem
                font.family: panel.theme.font
                font.pixelSize: panel.theme.f(20)
                font.bold: true
                color: panel.theme.danger
                wrapMode: Text.WordWrap
            }
            Rectangle {
                width: parent.width
                visible: panel.deciding
                height: result.implicitHeight + 20 * panel.u
                radius: 8 * panel.u
                color: panel.n.recorded ? panel.theme.danger : panel.theme.ok
                Text {
                    id: result
                    objectName: "nikResult"
                    textFormat: Text.PlainText
                    anchors.centerIn: parent
                    width: parent.width - 24 * panel.u
                    text: panel.n.result
                    font.family: panel.theme.font
                    font.pixelSize: panel.theme.f(24)
                    font.bold: true
                    color: "white"
                    wrapMode: Text.WordWrap
                }
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: panel.deciding
                text: panel.n.decide
                font.family: panel.theme.font
                font.pixelSize: panel.theme.f(16)
                color: panel.theme.muted
                wrapMode: Text.WordWrap
            }
        }

        // Right: the keypad while typing; the two decisions once the hub answered.
        Grid {
            id: pad
            visible: !panel.deciding
            anchors { right: parent.right; top: title.bottom; bottom: keysLine.top
                      margins: card.pad }
            width: card.width - left.width - 3 * card.pad
            columns: 3
            spacing: card.gap
            readonly property real cellW: (width - 2 * spacing) / 3
            readonly property real cellH: (height - 3 * spacing) / 4
            Repeater {
                model: ["7", "8", "9", "4", "5", "6", "1", "2", "3"]
                delegate: KeyButton {
                    required property string modelData
                    objectName: "nikKey" + modelData
                    theme: panel.theme
                    width: pad.cellW
                    height: pad.cellH
                    tint: panel.theme.recall
                    active: !panel.n.complete && !panel.n.busy
                    label: modelData
                    labelSize: 30
                    onPressed: panel.vm.nik.digit(modelData)
                }
            }
            KeyButton {
                objectName: "nikErase"
                theme: panel.theme
                width: pad.cellW
                height: pad.cellH
                tint: panel.theme.noShow
                label: panel.n.erase
                keyCap: "."
                labelSize: 19
                onPressed: panel.vm.nik.erase()
            }
            KeyButton {
                objectName: "nikKey0"
                theme: panel.theme
                width: pad.cellW
                height: pad.cellH
                tint: panel.theme.recall
                active: !panel.n.complete && !panel.n.busy
                label: "0"
                labelSize: 30
                onPressed: panel.vm.nik.digit("0")
            }
            KeyButton {
                objectName: "nikCheck"
                theme: panel.theme
                width: pad.cellW
                height: pad.cellH
                tint: panel.theme.next
                active: panel.n.complete && !panel.n.busy
                label: panel.n.check
                keyCap: "Enter"
                labelSize: 19
                onPressed: panel.vm.nik.check()
            }
        }

        Column {
            id: decide
            visible: panel.deciding
            anchors { right: parent.right; top: title.bottom; bottom: keysLine.top
                      margins: card.pad }
            width: card.width - left.width - 3 * card.pad
            spacing: card.gap
            readonly property real rowH: (height - 2 * spacing) / 3
            KeyButton {
                objectName: "nikGiven"
                theme: panel.theme
                width: parent.width
                height: decide.rowH * 1.15
                tint: panel.theme.next
                active: !panel.n.busy
                label: panel.n.given
                keyCap: "1"
                horizontal: true
                labelSize: 24
                onPressed: panel.vm.nik.decide("given")
            }
            KeyButton {
                objectName: "nikRefused"
                theme: panel.theme
                width: parent.width
                height: decide.rowH * 1.15
                tint: panel.theme.danger
                active: !panel.n.busy
                label: panel.n.refused
                keyCap: "2"
                horizontal: true
                labelSize: 24
                onPressed: panel.vm.nik.decide("refused")
            }
            KeyButton {
                objectName: "nikRetype"
                theme: panel.theme
                width: parent.width
                height: decide.rowH * 0.7 - decide.spacing
                tint: panel.theme.pause
                active: !panel.n.busy
                label: panel.n.retype
                keyCap: "."
                horizontal: true
                labelSize: 19
                onPressed: panel.vm.nik.retype()
            }
        }

        Item {
            id: keysLine
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom
                      margins: card.pad }
            height: Math.max(40, 52 * panel.u)
            Text {
                textFormat: Text.PlainText
                anchors { left: parent.left; right: skip.left; rightMargin: card.gap
                          verticalCenter: parent.verticalCenter }
                text: panel.n.keys
                font.family: panel.theme.font
                font.pixelSize: panel.theme.f(15)
                color: panel.theme.muted
                elide: Text.ElideRight
            }
            KeyButton {
                id: skip
                objectName: "nikClose"
                theme: panel.theme
                anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
                width: Math.max(170, 260 * panel.u)
                tint: panel.theme.pause
                label: panel.n.skip
                keyCap: "/"
                horizontal: true
                labelSize: 18
                onPressed: panel.vm.nik.close()
            }
        }
    }
}
