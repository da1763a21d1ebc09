import QtQuick
import AntreanKiosk.Backend

// "Nilai layanan kami": the ticket number (typed, or scanned from the ticket's QR), then four
// faces, then thanks. The state is in vm.rating; this only shows it.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10
    property bool portrait: false
    readonly property RatingFlow flow: vm.rating
    readonly property var words: vm.words
    readonly property real pad: 2 * u

    NumberScreen {
        anchors.fill: parent
        visible: screen.flow.step === "entry"
        u: screen.u
        portrait: screen.portrait
        prefix: "rate"
        title: screen.words.rateTitle
        hint: screen.words.rateEnterHint
        entry: screen.flow.entry
        message: screen.flow.message
        letters: screen.flow.letters
        okText: screen.words.next
        cancelText: screen.words.cancel
        onKey: (k) => screen.flow.press(k)
        onBackspace: screen.flow.backspace()
        onOk: screen.flow.next()
        onCancel: screen.flow.cancel()
    }

    // The faces, best first, left to right (2 × 2 in portrait).
    Item {
        id: faces
        anchors.fill: parent
        visible: screen.flow.step === "faces"

        Text {
            textFormat: Text.PlainText
            id: question
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: screen.pad }
            text: screen.words.rateFacesTitle
            color: Theme.ink
            font.pixelSize: 4.6 * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            id: forNumber
            objectName: "rateTicket"
            anchors { left: parent.left; right: parent.right; top: question.bottom; topMargin: 0.6 * screen.u }
            text: screen.flow.ticketText
            color: Theme.muted
            font.pixelSize: 3 * screen.u
            elide: Text.ElideRight
            horizontalAlignment: Text.AlignHCenter
        }
        Grid {
            id: faceGrid
            readonly property int across: screen.portrait ? 2 : 4
            readonly property real cellWidth: (width - (across - 1) * spacing) / across
            readonly property real cellHeight: (height - (4 / across - 1) * spacing) / (4 / across)
            // One size for the four words, on one line: the longest at ~0.74 em a bold character.
            readonly property int longest: Math.max.apply(null, screen.flow.faces.map(f => f.label.length).concat([4]))
            readonly property real labelSize: Math.min(4 * screen.u, cellHeight * 0.16,
                                                       (cellWidth - 2 * screen.u) / (longest * 0.74))
            anchors { left: parent.left; right: parent.right; top: forNumber.bottom; bottom: faceCancel.top
                      margins: screen.pad }
            columns: across
            spacing: screen.pad
            Repeater {
                model: screen.flow.faces
                Rectangle {
                    id: faceButton
                    required property var modelData
                    objectName: "face-" + modelData.rating
                    width: faceGrid.cellWidth
                    height: faceGrid.cellHeight
                    radius: 1.5 * screen.u
                    color: area.pressed ? Theme.closed : Theme.card
                    border.color: Theme.faceColor(modelData.rating)
                    border.width: Math.max(3, 0.5 * screen.u)
                    scale: area.pressed ? 0.97 : 1.0

                    Face {
                        rating: faceButton.modelData.rating
                        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top
                                  topMargin: parent.height * 0.08 }
                        width: Math.min(parent.width * 0.78, parent.height * 0.6)
                        height: width
                    }
                    Text {
                        textFormat: Text.PlainText
                        anchors { left: parent.left; right: parent.right; bottom: parent.bottom
                                  margins: screen.u; bottomMargin: parent.height * 0.05 }
                        height: parent.height * 0.22
                        text: faceButton.modelData.label
                        color: Theme.faceColor(faceButton.modelData.rating)
                        font.pixelSize: faceGrid.labelSize
                        font.bold: true
                        wrapMode: Text.WordWrap
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                    }
                    MouseArea {
                        id: area
                        anchors.fill: parent
                        onClicked: screen.flow.rate(faceButton.modelData.rating)
                    }
                }
            }
        }
        BigButton {
            id: faceCancel
            objectName: "faceCancel"
            u: screen.u
            anchors { left: parent.left; bottom: parent.bottom; margins: screen.pad }
            implicitHeight: 6 * screen.u
            text: screen.words.cancel
            filled: false
            onClicked: screen.flow.cancel()
        }
    }

    // Thanks, then the start screen by itself.
    Item {
        anchors.fill: parent
        visible: screen.flow.step === "thanks"

        Column {
            // (smaller while the survey is offered below, so all fits at 800×480)
            readonly property bool offer: screen.flow.surveyOffered
            anchors.centerIn: parent
            width: parent.width - 6 * screen.u
            spacing: (offer ? 1.4 : 2) * screen.u

            Face {
                anchors.horizontalCenter: parent.horizontalCenter
                rating: screen.flow.chosen || 4
                width: (parent.offer ? 9 : 16) * screen.u
                height: width
            }
            Text {
                textFormat: Text.PlainText
                objectName: "thanksTitle"
                width: parent.width
                text: screen.words.thanks
                color: Theme.ok
                font.pixelSize: (parent.offer ? 5.5 : 7) * screen.u
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                text: screen.flow.chosenLabel
                color: Theme.faceColor(screen.flow.chosen)
                font.pixelSize: 4 * screen.u
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                textFormat: Text.PlainText
                objectName: "thanksText"
                width: parent.width
                text: screen.flow.thanksText
                color: Theme.ink
                font.pixelSize: 3 * screen.u
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
            // The full SKM survey for the same ticket (kiosk.survey).
            BigButton {
                objectName: "surveyOffer"
                anchors.horizontalCenter: parent.horizontalCenter
                visible: screen.flow.surveyOffered
                u: screen.u
                implicitWidth: Math.min(parent.width, 56 * screen.u)
                implicitHeight: 7 * screen.u
                text: screen.words.surveyOffer
                onClicked: screen.flow.openSurvey()
            }
            Text {
                textFormat: Text.PlainText
                width: parent.width
                visible: screen.flow.surveyOffered
                text: screen.words.surveyOfferHint
                color: Theme.muted
                font.pixelSize: 2.4 * screen.u
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
