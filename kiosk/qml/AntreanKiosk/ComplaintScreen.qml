import QtQuick
import AntreanKiosk.Backend

// "Pengaduan": a category, an optional short text and ticket number, then a receipt that
// points to the national channel SP4N-LAPOR!. Anonymous: no name, no NIK. The state is in
// vm.complaint; this only shows it.
Overlay {
    id: screen

    required property KioskViewModel vm
    property real u: 10
    property bool portrait: false
    readonly property ComplaintFlow flow: vm.complaint
    readonly property var words: vm.words
    readonly property real pad: 2 * u

    // ----- the category ---------------------------------------------------------------
    Item {
        anchors.fill: parent
        visible: screen.flow.step === "category"

        Text {
            textFormat: Text.PlainText
            id: catTitle
            anchors { left: parent.left; right: catCancel.left; top: parent.top; margins: screen.pad }
            text: screen.words.complaintTitle
            color: Theme.ink
            font.pixelSize: 4.4 * screen.u
            font.bold: true
        }
        Text {
            textFormat: Text.PlainText
            id: catHint
            anchors { left: catTitle.left; right: catTitle.right; top: catTitle.bottom }
            text: screen.words.complaintHint
            color: Theme.muted
            font.pixelSize: 2.6 * screen.u
            wrapMode: Text.WordWrap
        }
        BigButton {
            id: catCancel
            objectName: "complaintCancel"
            u: screen.u
            anchors { right: parent.right; top: parent.top; margins: screen.pad }
            implicitHeight: 6.5 * screen.u
            text: screen.words.cancel
            filled: false
            onClicked: screen.flow.cancel()
        }
        Grid {
            id: catGrid
            readonly property int across: screen.portrait ? 2 : 3
            readonly property int down: Math.max(1, Math.ceil(screen.flow.categories.length / across))
            readonly property real cellWidth: (width - (across - 1) * spacing) / across
            // One size for every category: its longest word on one line, two lines at most.
            readonly property int longestWord: Math.max.apply(null, screen.flow.categories.map(
                c => Math.max.apply(null, c.name.split(" ").map(w => w.length))).concat([4]))
            readonly property int longestName: Math.max.apply(null, screen.flow.categories.map(c => c.name.length).concat([4]))
            readonly property real textSize: Math.min(3.4 * screen.u,
                                                      (cellWidth - 3 * screen.u) / (longestWord * 0.66),
                                                      2 * (cellWidth - 3 * screen.u) / (longestName * 0.66))
            anchors { left: parent.left; right: parent.right; top: catHint.bottom; bottom: catLapor.top
                      margins: screen.pad }
            columns: across
            spacing: screen.pad
            Repeater {
                model: screen.flow.categories
                BigButton {
                    required property var modelData
                    objectName: "category-" + modelData.id
                    u: screen.u
                    implicitWidth: catGrid.cellWidth
                    implicitHeight: (catGrid.height - (catGrid.down - 1) * catGrid.spacing) / catGrid.down
                    textSize: catGrid.textSize
                    text: modelData.name
                    filled: false
                    tint: Theme.header
                    onClicked: screen.flow.choose(modelData.id)
                }
            }
        }
        LaporBanner {
            id: catLapor
            u: screen.u
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: screen.pad }
            lead: screen.words.laporLead
        }
    }

    // ----- the text, on the keyboard ------------------------------------------------------
    Item {
        anchors.fill: parent
        visible: screen.flow.step === "text"

        BigButton {
            id: textBack
            objectName: "complaintBack"
            u: screen.u
            anchors { left: parent.left; top: parent.top; margins: screen.pad; topMargin: screen.u }
            implicitHeight: 6 * screen.u
            implicitWidth: 18 * screen.u
            text: "← " + screen.words.back
            filled: false
            onClicked: screen.flow.back()
        }
        Text {  // landscape: between the buttons; portrait: on a line of its own
            textFormat: Text.PlainText
            id: categoryText
            x: screen.portrait ? screen.pad : textBack.x + textBack.width + screen.pad
            y: screen.portrait ? textBack.y + textBack.height + 0.5 * screen.u
                               : textBack.y + (textBack.height - height) / 2
            width: screen.portrait ? parent.width - 2 * screen.pad
                                   : sendButton.x - screen.pad - x
            height: 4 * screen.u
            verticalAlignment: Text.AlignVCenter
            text: screen.flow.categoryName
            color: Theme.ink
            font.pixelSize: 3.2 * screen.u
            font.bold: true
            elide: Text.ElideRight
            horizontalAlignment: Text.AlignHCenter
        }
        BigButton {
            id: sendButton
            objectName: "complaintSend"
            u: screen.u
            anchors { right: parent.right; top: parent.top; margins: screen.pad; topMargin: screen.u }
            implicitHeight: 6 * screen.u
            implicitWidth: 20 * screen.u
            text: screen.words.send + " ➤"
            tint: Theme.ok
            onClicked: screen.flow.send()
        }

        Rectangle {
            id: textBox
            anchors { left: parent.left; leftMargin: screen.pad; rightMargin: screen.pad
                      right: screen.portrait ? parent.right : numberBox.left
                      top: screen.portrait ? categoryText.bottom : textBack.bottom
                      topMargin: screen.u }
            // Whole lines only: the window onto the text is a whole number of lines tall and
            // the text sits on its bottom, so the newest words show and no line is half cut.
            readonly property int lines: screen.portrait ? 3 : 2
            height: textWindow.height + 2 * screen.u
            radius: screen.u
            color: Theme.card
            border.color: Theme.header
            border.width: Math.max(2, 0.3 * screen.u)

            FontMetrics { id: textMetrics; font: complaintText.font }
            Item {
                id: textWindow
                objectName: "complaintTextWindow"
                // As Text lays lines out: whole pixels per line.
                readonly property real lineHeight: Math.ceil(textMetrics.height)
                x: screen.u
                y: screen.u
                width: parent.width - 10 * screen.u
                height: textBox.lines * lineHeight
                clip: true

                Text {
                    id: complaintText
                    textFormat: Text.PlainText
                    objectName: "complaintText"
                    // The older lines scroll up out of the window on purpose.
                    readonly property bool scrolling: true
                    anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                    text: screen.flow.text !== "" ? screen.flow.text + "▏" : screen.words.complaintTextHint
                    color: screen.flow.text !== "" ? Theme.ink : Theme.muted
                    font.pixelSize: 2.6 * screen.u
                    wrapMode: Text.Wrap
                }
            }
            Text {
                textFormat: Text.PlainText
                anchors { right: parent.right; bottom: parent.bottom; margins: 0.6 * screen.u }
                text: screen.flow.countText
                color: Theme.muted
                font.pixelSize: 1.8 * screen.u
            }
        }
        Rectangle {
            id: numberBox
            objectName: "complaintNumberBox"
            x: screen.portrait ? screen.pad : parent.width - width - screen.pad
            y: screen.portrait ? textBox.y + textBox.height + screen.u : textBox.y
            width: screen.portrait ? parent.width - 2 * screen.pad : 30 * screen.u
            height: screen.portrait ? 8 * screen.u : textBox.height
            radius: screen.u
            color: numberArea.pressed ? Theme.closed : Theme.card
            border.color: Theme.header
            border.width: Math.max(2, 0.3 * screen.u)

            Text {
                textFormat: Text.PlainText
                id: numberLabel
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 0.8 * screen.u }
                text: screen.words.complaintNumber + " (" + screen.words.optional + ")"
                color: Theme.muted
                font.pixelSize: 1.9 * screen.u
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 9
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                textFormat: Text.PlainText
                objectName: "complaintNumber"
                anchors { left: parent.left; right: parent.right; top: numberLabel.bottom; bottom: parent.bottom
                          margins: 0.5 * screen.u }
                text: screen.flow.number !== "" ? screen.flow.number : "+ " + screen.words.addNumber
                color: screen.flow.number !== "" ? Theme.ink : Theme.header
                font.pixelSize: (screen.flow.number !== "" ? 4.4 : 3) * screen.u
                font.bold: true
                fontSizeMode: Text.Fit
                minimumPixelSize: 10
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            MouseArea {
                id: numberArea
                anchors.fill: parent
                onClicked: screen.flow.editNumber()
            }
        }
        Text {
            textFormat: Text.PlainText
            id: textMessage
            objectName: "complaintMessage"
            anchors { left: textBox.left; right: numberBox.right; topMargin: 0.5 * screen.u
                      top: screen.portrait ? numberBox.bottom : textBox.bottom }
            height: (screen.portrait ? 5 : 3.4) * screen.u
            text: screen.flow.message !== "" ? screen.flow.message
                                             : screen.words.laporLead + " " + screen.words.lapor
            color: screen.flow.message !== "" ? Theme.fault : Theme.lapor
            font.pixelSize: 2.3 * screen.u
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 9
            verticalAlignment: Text.AlignVCenter
        }
        Keyboard {
            u: screen.u
            anchors { left: parent.left; right: parent.right; top: textMessage.bottom; bottom: parent.bottom
                      margins: screen.pad; topMargin: 0.5 * screen.u; bottomMargin: screen.u }
            spaceText: screen.words.space
            onTyped: (k) => screen.flow.type(k)
            onBackspace: screen.flow.backspace()
        }
    }

    // ----- the optional ticket number ------------------------------------------------------
    NumberScreen {
        anchors.fill: parent
        visible: screen.flow.step === "number"
        u: screen.u
        portrait: screen.portrait
        prefix: "complaintNumber"
        title: screen.words.complaintNumber + " (" + screen.words.optional + ")"
        hint: screen.words.complaintNumberHint
        entry: screen.flow.entry
        message: screen.flow.message
        letters: screen.flow.letters
        okText: screen.words.ok
        cancelText: screen.words.back
        onKey: (k) => screen.flow.press(k)
        onBackspace: screen.flow.backspace()
        onOk: screen.flow.numberDone()
        onCancel: screen.flow.back()
    }

    // ----- sent: the receipt, and where else to go -------------------------------------------
    Item {
        id: sent
        anchors.fill: parent
        visible: screen.flow.step === "sent"

        Rectangle {
            id: sentBanner
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: 8 * screen.u
            color: Theme.ok

            Text {
                textFormat: Text.PlainText
                objectName: "complaintSentTitle"
                anchors.fill: parent
                anchors.margins: screen.u
                text: "✓ " + screen.words.complaintSent
                color: "white"
                font.pixelSize: 4 * screen.u
                font.bold: true
                fontSizeMode: Text.Fit
                minimumPixelSize: 10
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }
        Text {
            textFormat: Text.PlainText
            id: sentSub
            anchors { left: parent.left; right: parent.right; top: sentBanner.bottom; margins: screen.pad }
            text: screen.words.complaintSentSub
            color: Theme.ink
            font.pixelSize: 3 * screen.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        LaporBanner {
            objectName: "sentLapor"
            u: screen.u
            large: true
            anchors { left: parent.left; right: parent.right; top: sentSub.bottom; margins: 3 * screen.pad
                      topMargin: screen.pad }
            lead: screen.words.laporLead
            channel: "SP4N-LAPOR!\n" + screen.flow.laporWeb + "  ·  SMS " + screen.flow.laporSms
        }
        BigButton {
            objectName: "complaintDone"
            u: screen.u
            anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: screen.pad }
            text: screen.words.done
            tint: Theme.ok
            onClicked: screen.flow.cancel()
        }
    }
}
