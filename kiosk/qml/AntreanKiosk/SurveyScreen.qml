import QtQuick
import AntreanKiosk.Backend

// "Survei Kepuasan Masyarakat": one question a screen with the regulation's four answers as
// faces (best first, as the rating's), then the optional profile, then thanks. The state is
// in vm.survey; this only shows it.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10
    property bool portrait: false
    readonly property SurveyFlow flow: vm.survey
    readonly property var words: vm.words
    readonly property real pad: 2 * u
    readonly property bool asking: flow.step === "question" || flow.step === "profile"

    // ----- a question, or a profile question ---------------------------------------------
    Item {
        anchors.fill: parent
        visible: screen.asking

        Text {
            textFormat: Text.PlainText
            id: progressText
            objectName: "surveyProgress"
            anchors { left: parent.left; top: parent.top; margins: screen.pad; topMargin: screen.u
                      right: screen.portrait ? parent.right : ticketLine.left }
            text: screen.flow.progress
            color: Theme.muted
            font.pixelSize: 2.4 * screen.u
            font.bold: true
            elide: Text.ElideRight
        }
        Text {  // landscape: at the right of the progress; portrait: under it
            textFormat: Text.PlainText
            id: ticketLine
            x: screen.portrait ? screen.pad : parent.width - width - screen.pad
            y: screen.portrait ? progressText.y + progressText.height : progressText.y
            width: screen.portrait ? parent.width - 2 * screen.pad
                                   : Math.min(implicitWidth, parent.width / 2 - screen.pad)
            text: screen.flow.ticketText
            color: Theme.muted
            font.pixelSize: 2.4 * screen.u
            horizontalAlignment: screen.portrait ? Text.AlignLeft : Text.AlignRight
            elide: Text.ElideRight
        }
        Rectangle {  // how far along: nine questions, then four about the resident
            id: bar
            anchors { left: parent.left; right: parent.right
                      top: screen.portrait ? ticketLine.bottom : progressText.bottom
                      leftMargin: screen.pad; rightMargin: screen.pad; topMargin: 0.5 * screen.u }
            height: Math.max(4, 0.7 * screen.u)
            radius: height / 2
            color: Theme.line
            Rectangle {
                width: parent.width * screen.flow.fraction
                height: parent.height
                radius: parent.radius
                color: Theme.header
            }
        }
        Text {
            textFormat: Text.PlainText
            id: titleText
            objectName: "surveyTitle"
            anchors { left: parent.left; right: parent.right; top: bar.bottom; margins: screen.pad
                      topMargin: screen.u }
            text: screen.flow.title
            color: Theme.ink
            font.pixelSize: (screen.portrait ? 5 : 4.2) * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            textFormat: Text.PlainText
            id: questionText
            objectName: "surveyQuestion"
            anchors { left: parent.left; right: parent.right; top: titleText.bottom
                      leftMargin: screen.pad; rightMargin: screen.pad; topMargin: 0.4 * screen.u }
            text: screen.flow.question
            color: Theme.ink
            font.pixelSize: (screen.portrait ? 3.4 : 2.7) * screen.u
            wrapMode: Text.WordWrap
            maximumLineCount: screen.portrait ? 5 : 3
            elide: Text.ElideRight
        }

        Grid {
            id: choiceGrid
            readonly property bool faces: screen.flow.step === "question"
            readonly property int count: Math.max(1, screen.flow.choices.length)
            readonly property int across: faces ? (screen.portrait ? 2 : 4)
                                                : (screen.portrait ? 2 : Math.min(3, count))
            readonly property int down: Math.ceil(count / across)
            readonly property real cellWidth: (width - (across - 1) * spacing) / across
            readonly property real cellHeight: (height - (down - 1) * spacing) / down
            // One size for every answer of the screen: its longest word on one line.
            readonly property int longestWord: Math.max.apply(null, screen.flow.choices.map(
                c => Math.max.apply(null, c.label.split(" ").map(w => w.length))).concat([4]))
            readonly property real labelSize: Math.min((screen.portrait ? 4 : 3) * screen.u,
                                                       (faces ? cellHeight * 0.15 : cellHeight * 0.3),
                                                       (cellWidth - 2 * screen.u) / (longestWord * 0.72))
            anchors { left: parent.left; right: parent.right; top: questionText.bottom; bottom: buttons.top
                      margins: screen.pad; topMargin: 1.2 * screen.u }
            columns: across
            spacing: (screen.portrait ? 1.5 : 1.2) * screen.u

            Repeater {
                model: screen.flow.choices
                Rectangle {
                    id: choice
                    required property var modelData
                    readonly property color tint: choiceGrid.faces ? Theme.faceColor(modelData.score)
                                                                   : Theme.header
                    objectName: "survey-choice-" + modelData.value
                    width: choiceGrid.cellWidth
                    height: choiceGrid.cellHeight
                    radius: 1.5 * screen.u
                    color: area.pressed ? Theme.closed
                                        : modelData.chosen ? Qt.tint(Theme.card, Qt.rgba(tint.r, tint.g, tint.b, 0.16)) : Theme.card
                    border.color: tint
                    border.width: modelData.chosen ? Math.max(5, screen.u) : Math.max(3, 0.45 * screen.u)
                    scale: area.pressed ? 0.97 : 1.0

                    Face {
                        id: face
                        visible: choiceGrid.faces
                        rating: choice.modelData.score || 4
                        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top
                                  topMargin: parent.height * 0.07 }
                        width: Math.min(parent.width * 0.62, parent.height * 0.5)
                        height: width
                    }
                    Text {
                        textFormat: Text.PlainText
                        anchors { left: parent.left; right: parent.right; bottom: parent.bottom
                                  top: choiceGrid.faces ? face.bottom : parent.top; margins: screen.u }
                        text: choice.modelData.label
                        color: choiceGrid.faces ? choice.tint : Theme.ink
                        font.pixelSize: choiceGrid.labelSize
                        font.bold: true
                        wrapMode: Text.WordWrap
                        fontSizeMode: Text.VerticalFit
                        minimumPixelSize: 10
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                    }
                    MouseArea {
                        id: area
                        anchors.fill: parent
                        onClicked: screen.flow.choose(choice.modelData.value)
                    }
                }
            }
        }

        // Landscape: [Batal] … [← Kembali] [Lewati →] [Kirim sekarang ➤], one row.
        // Portrait, two rows: [← Kembali] [Lewati →] over [Batal] [Kirim sekarang ➤].
        // "Batal" (all answers dropped) is never beside "Kembali" on one row.
        Item {
            id: buttons
            readonly property real rowHeight: 6.5 * screen.u
            readonly property real gap: screen.pad
            readonly property real half: (width - gap) / 2
            readonly property bool profile: screen.flow.step === "profile"
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: screen.pad }
            height: screen.portrait ? 2 * rowHeight + gap : rowHeight

            BigButton {
                id: cancelButton
                objectName: "surveyCancel"
                u: screen.u
                x: screen.portrait ? 0 : 0
                y: screen.portrait ? buttons.rowHeight + buttons.gap : 0
                width: screen.portrait ? buttons.half : 16 * screen.u
                height: buttons.rowHeight
                text: screen.words.cancel
                filled: false
                tint: Theme.muted
                onClicked: screen.flow.cancel()
            }
            BigButton {
                id: sendNowButton
                objectName: "surveySendNow"
                u: screen.u
                visible: buttons.profile
                width: screen.portrait ? buttons.half : 26 * screen.u
                x: buttons.width - width
                y: cancelButton.y
                height: buttons.rowHeight
                text: screen.words.sendNow + " ➤"
                tint: Theme.ok
                onClicked: screen.flow.sendNow()
            }
            BigButton {
                id: skipButton
                objectName: "surveySkip"
                u: screen.u
                width: screen.portrait ? buttons.half : 18 * screen.u
                x: screen.portrait ? buttons.half + buttons.gap
                                   : (buttons.profile ? sendNowButton.x - buttons.gap : buttons.width) - width
                y: 0
                height: buttons.rowHeight
                text: screen.words.skip + " →"
                filled: false
                onClicked: screen.flow.skip()
            }
            BigButton {
                objectName: "surveyBack"
                u: screen.u
                enabled: screen.flow.canBack
                width: screen.portrait ? buttons.half : 18 * screen.u
                x: screen.portrait ? 0 : skipButton.x - buttons.gap - width
                y: 0
                height: buttons.rowHeight
                text: "← " + screen.words.back
                filled: false
                onClicked: screen.flow.back()
            }
        }
    }

    // ----- a question was skipped: the survey counts with all nine ------------------------
    Item {
        anchors.fill: parent
        visible: screen.flow.step === "missing"

        Column {
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                      margins: 3 * screen.u }
            spacing: 3 * screen.u

            Text {
                textFormat: Text.PlainText
                objectName: "surveyMissing"
                width: parent.width
                text: screen.flow.missingText
                color: Theme.ink
                font.pixelSize: 3.4 * screen.u
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: 2 * screen.u
                BigButton {
                    objectName: "surveyAnswerMissing"
                    u: screen.u
                    implicitWidth: 30 * screen.u
                    text: screen.words.answerNow
                    onClicked: screen.flow.answerMissing()
                }
                BigButton {
                    objectName: "surveyMissingCancel"
                    u: screen.u
                    implicitWidth: 22 * screen.u
                    text: screen.words.cancel
                    filled: false
                    tint: Theme.muted
                    onClicked: screen.flow.cancel()
                }
            }
        }
    }

    // ----- thanks, or why the hub said no; then the start screen by itself -----------------
    Item {
        anchors.fill: parent
        visible: screen.flow.step === "done"

        Column {
            anchors.centerIn: parent
            width: parent.width - 6 * screen.u
            spacing: 2 * screen.u

            Face {
                anchors.horizontalCenter: parent.horizontalCenter
                visible: screen.flow.message === ""
                rating: 4
                width: 14 * screen.u
                height: width
            }
            Text {
                textFormat: Text.PlainText
                objectName: "surveyDoneTitle"
                width: parent.width
                text: screen.flow.doneTitle
                color: screen.flow.message === "" ? Theme.ok : Theme.warn
                font.pixelSize: 7 * screen.u
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                textFormat: Text.PlainText
                objectName: "surveyDoneText"
                width: parent.width
                text: screen.flow.doneText
                color: Theme.ink
                font.pixelSize: 3.2 * screen.u
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
