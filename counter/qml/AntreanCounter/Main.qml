import QtQuick
import AntreanCounter

// The counter screen. Everything shown comes from ``vm.view``; every press goes to ``vm``.
Window {
    id: win
    required property CounterViewModel vm
    readonly property var v: vm.view
    width: 1280
    height: 800
    visible: true
    title: v.title + " — Antrean"
    color: ui.bg

    Theme {
        id: ui
        u: Math.min(win.width / 1280, win.height / 800)
    }

    Item {
        id: root
        objectName: "root"
        anchors.fill: parent
        focus: true
        Keys.onPressed: (event) => { event.accepted = win.vm.key(event.key) }

        Rectangle {
            id: topBar
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: 64 * ui.u
            color: ui.bar
            Row {
                anchors { left: parent.left; leftMargin: 16 * ui.u
                          verticalCenter: parent.verticalCenter }
                spacing: 16 * ui.u
                Text {
                    textFormat: Text.PlainText
                    objectName: "title"
                    text: win.v.title
                    font.family: ui.font
                    font.pixelSize: ui.f(34)
                    font.bold: true
                    color: "white"
                    anchors.verticalCenter: parent.verticalCenter
                }
                Column {
                    anchors.verticalCenter: parent.verticalCenter
                    Text {
                        textFormat: Text.PlainText
                        width: topBar.width * 0.5
                        text: win.v.postName
                        font.family: ui.font
                        font.pixelSize: ui.f(15)
                        color: "#cfd8e3"
                        elide: Text.ElideRight
                    }
                    Text {
                        textFormat: Text.PlainText
                        width: topBar.width * 0.5
                        text: win.v.servesText
                        font.family: ui.font
                        font.pixelSize: ui.f(15)
                        color: "white"
                        elide: Text.ElideRight
                    }
                }
            }
            Row {
                anchors { right: parent.right; rightMargin: 12 * ui.u
                          verticalCenter: parent.verticalCenter }
                spacing: 14 * ui.u
                Text {
                    textFormat: Text.PlainText
                    objectName: "clock"
                    text: "● " + win.v.clock
                    font.family: ui.font
                    font.pixelSize: ui.f(22)
                    font.bold: true
                    color: win.v.hubUp ? "#7ee2a0" : "#ff8a80"
                    anchors.verticalCenter: parent.verticalCenter
                }
                KeyButton {
                    objectName: "langButton"
                    theme: ui
                    width: 150 * ui.u
                    height: 40 * ui.u
                    tint: "#2b4a6f"
                    label: win.v.t.lang_toggle
                    labelSize: 15
                    onPressed: win.vm.toggleLang()
                }
            }
        }

        Banners {
            id: banners
            theme: ui
            view: win.v
            vm: win.vm
            anchors { left: parent.left; right: parent.right; top: topBar.bottom }
        }

        Item {
            id: main
            anchors { left: parent.left; right: parent.right; top: banners.bottom
                      bottom: noticeBar.top; margins: 12 * ui.u }
            readonly property real gap: 10 * ui.u
            readonly property real leftWidth: width * 0.6

            TicketCard {
                id: ticketCard
                objectName: "ticketCard"
                theme: ui
                view: win.v
                anchors { left: parent.left; top: parent.top }
                width: main.leftWidth
                height: main.height * 0.36
            }
            KeyButton {
                id: nextButton
                objectName: "nextButton"
                theme: ui
                anchors { left: parent.left; top: ticketCard.bottom; topMargin: main.gap }
                width: main.leftWidth
                height: main.height * 0.36
                tint: ui.next
                active: win.v.nextEnabled
                label: win.v.nextLabel
                keyCap: "Enter / +"
                hint: win.v.nextHint
                labelSize: 40
                onPressed: win.vm.press("next")
            }
            Row {
                id: actionRow
                anchors { left: parent.left; top: nextButton.bottom; topMargin: main.gap
                          bottom: parent.bottom }
                width: main.leftWidth
                spacing: main.gap
                Repeater {
                    model: win.vm.actionsModel
                    delegate: Item {
                        id: slot
                        required property string action
                        required property string label
                        required property string key
                        required property bool allowed
                        width: (actionRow.width - 4 * main.gap) / 5
                        height: actionRow.height
                        KeyButton {
                            objectName: slot.action + "Button"
                            anchors.fill: parent
                            theme: ui
                            tint: ({recall: ui.recall, no_show: ui.noShow, finish: ui.finish,
                                    transfer: ui.transfer, pause: ui.pause})[slot.action]
                            active: slot.allowed
                            label: slot.label
                            keyCap: slot.key
                            labelSize: 19
                            onPressed: win.vm.press(slot.action)
                        }
                    }
                }
            }
            SidePanel {
                theme: ui
                view: win.v
                vm: win.vm
                anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
                width: main.width - main.leftWidth - main.gap
                clip: true
            }
        }

        Rectangle {
            id: noticeBar
            objectName: "noticeBar"
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
            height: Math.max(42 * ui.u, noticeText.implicitHeight + 10 * ui.u)
            color: win.v.notice === "" ? "#d5dce4"
                   : win.v.noticeLevel === "error" ? ui.danger
                   : win.v.noticeLevel === "warn" ? ui.warn
                   : win.v.noticeLevel === "ok" ? ui.next : ui.bar
            Text {
                id: noticeText
                textFormat: Text.PlainText
                objectName: "notice"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                          leftMargin: 16 * ui.u; rightMargin: 16 * ui.u }
                verticalAlignment: Text.AlignVCenter
                text: win.v.notice !== "" ? win.v.notice : win.v.keysHelp
                font.family: ui.font
                font.pixelSize: ui.f(win.v.notice !== "" ? 18 : 15)
                font.bold: win.v.notice !== ""
                color: win.v.notice === "" ? ui.muted
                       : win.v.noticeLevel === "warn" ? ui.ink : "white"
                wrapMode: Text.WordWrap  // the key legend in two lines on a small screen
            }
        }

        NumberChooser {
            objectName: "chooser"
            visible: win.v.phase === "choose" || win.v.phase === "checking"
            theme: ui
            view: win.v
            vm: win.vm
            anchors { left: parent.left; right: parent.right; top: banners.bottom
                      bottom: parent.bottom }
            onChosen: (number) => win.vm.chooseNumber(number)
        }

        Rectangle {
            visible: win.v.phase === "connecting"
            anchors { left: parent.left; right: parent.right; top: banners.bottom
                      bottom: parent.bottom }
            color: ui.bg
            Text {
                textFormat: Text.PlainText
                anchors.centerIn: parent
                text: win.v.connectingText
                font.family: ui.font
                font.pixelSize: ui.f(32)
                color: ui.muted
            }
        }

        OutOfService {
            objectName: "outOfService"
            visible: win.v.outOfService
            theme: ui
            view: win.v
            anchors { left: parent.left; right: parent.right; top: topBar.bottom
                      bottom: parent.bottom }
        }

        TransferPicker {
            objectName: "transferPicker"
            visible: win.v.transfer.open
            theme: ui
            view: win.v
            vm: win.vm
            anchors.fill: parent
            onChosen: (service) => win.vm.chooseTransfer(service)
            onCancelled: win.vm.cancelTransfer()
        }

        NikPanel {
            objectName: "nikPanel"
            visible: win.v.nik.open && !win.v.outOfService
            theme: ui
            view: win.v
            vm: win.vm
            anchors { left: parent.left; right: parent.right; top: banners.bottom
                      bottom: parent.bottom }
        }
    }
}
