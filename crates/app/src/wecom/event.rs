//! WeCom callback events: the decrypted event XML of the customer-contact
//! (`change_external_contact`) and customer-group (`change_external_chat`) callbacks, parsed
//! into a typed [`WecomEvent`].
//!
//! Only the events shequn acts on get their own variant; every other event or change type
//! becomes [`WecomEvent::Other`] so the handler can acknowledge it (WeCom retries callbacks
//! that are not answered) without treating it as an error.

use roxmltree::{Document, Node};

use super::crypto::WecomError;

const CONTACT_EVENT: &str = "change_external_contact";
const CHAT_EVENT: &str = "change_external_chat";

/// One callback event, reduced to the fields shequn uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WecomEvent {
    /// A staff member added a customer (ChangeType `add_external_contact`).
    ContactAdded {
        staff_user_id: String,
        external_user_id: String,
        /// The `state` of the contact-me QR code the customer scanned, if any.
        state: Option<String>,
        /// Valid for 20 seconds to send the welcome message, if WeCom handed one out.
        welcome_code: Option<String>,
    },
    /// A staff member deleted a customer (ChangeType `del_external_contact`).
    ContactDeleted {
        staff_user_id: String,
        external_user_id: String,
    },
    /// A customer group was created.
    ChatCreated { chat_id: String },
    /// Members joined a customer group (`update` / `add_member`).
    MembersJoined {
        chat_id: String,
        /// How they joined as WeCom numbers it: 0 invited by a member (directly or by link),
        /// 3 scanned the group QR code; other values are passed through unchanged.
        join_scene: u8,
        /// External user ids of customers, or user ids of staff.
        members: Vec<String>,
    },
    /// Members left a customer group (`update` / `del_member`).
    MembersLeft {
        chat_id: String,
        /// 0 left by themselves, 1 removed by the group owner (or an admin).
        quit_scene: u8,
        /// External user ids of customers, or user ids of staff.
        members: Vec<String>,
    },
    /// A customer group was dismissed.
    ChatDismissed { chat_id: String },
    /// Any other event or change type: acknowledged and ignored.
    Other {
        event: String,
        change_type: Option<String>,
    },
}

/// An event and the time WeCom stamped on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Unix seconds, as sent in `CreateTime`.
    pub create_time: i64,
    pub event: WecomEvent,
}

/// Parses the decrypted XML of one callback.
///
/// Identifiers the event cannot do without (`UserID`, `ChatId`, ...) are
/// [`WecomError::MissingField`] when absent or empty; optional ones (`State`, `WelcomeCode`)
/// are `None` when empty. Text inside CDATA is kept as is.
pub fn parse_event(xml: &str) -> Result<Envelope, WecomError> {
    let doc = Document::parse(xml).map_err(|e| WecomError::BadXml(e.to_string()))?;
    let root = doc.root_element();
    let create_time = optional(root, "CreateTime")
        .and_then(|text| text.trim().parse::<i64>().ok())
        .ok_or(WecomError::MissingField("CreateTime"))?;
    let msg_type = required(root, "MsgType")?;
    let event = if msg_type == "event" {
        match required(root, "Event")? {
            CONTACT_EVENT => contact_event(root)?,
            CHAT_EVENT => chat_event(root)?,
            other => WecomEvent::Other {
                event: other.to_owned(),
                change_type: optional(root, "ChangeType").map(str::to_owned),
            },
        }
    } else {
        // A plain message (text, image, ...) reaching this callback URL: nothing to do.
        WecomEvent::Other {
            event: msg_type.to_owned(),
            change_type: None,
        }
    };
    Ok(Envelope { create_time, event })
}

fn contact_event(root: Node<'_, '_>) -> Result<WecomEvent, WecomError> {
    let event = match required(root, "ChangeType")? {
        "add_external_contact" => WecomEvent::ContactAdded {
            staff_user_id: required(root, "UserID")?.to_owned(),
            external_user_id: required(root, "ExternalUserID")?.to_owned(),
            state: optional(root, "State").map(str::to_owned),
            welcome_code: optional(root, "WelcomeCode").map(str::to_owned),
        },
        "del_external_contact" => WecomEvent::ContactDeleted {
            staff_user_id: required(root, "UserID")?.to_owned(),
            external_user_id: required(root, "ExternalUserID")?.to_owned(),
        },
        other => other_event(CONTACT_EVENT, other),
    };
    Ok(event)
}

fn chat_event(root: Node<'_, '_>) -> Result<WecomEvent, WecomError> {
    let event = match required(root, "ChangeType")? {
        "create" => WecomEvent::ChatCreated {
            chat_id: required(root, "ChatId")?.to_owned(),
        },
        "dismiss" => WecomEvent::ChatDismissed {
            chat_id: required(root, "ChatId")?.to_owned(),
        },
        "update" => match required(root, "UpdateDetail")? {
            "add_member" => WecomEvent::MembersJoined {
                chat_id: required(root, "ChatId")?.to_owned(),
                join_scene: scene(root, "JoinScene")?,
                members: members(root),
            },
            "del_member" => WecomEvent::MembersLeft {
                chat_id: required(root, "ChatId")?.to_owned(),
                quit_scene: scene(root, "QuitScene")?,
                members: members(root),
            },
            // Owner or name changes and the like do not affect membership.
            _ => other_event(CHAT_EVENT, "update"),
        },
        other => other_event(CHAT_EVENT, other),
    };
    Ok(event)
}

fn other_event(event: &str, change_type: &str) -> WecomEvent {
    WecomEvent::Other {
        event: event.to_owned(),
        change_type: Some(change_type.to_owned()),
    }
}

fn scene(root: Node<'_, '_>, name: &'static str) -> Result<u8, WecomError> {
    optional(root, name)
        .and_then(|text| text.trim().parse::<u8>().ok())
        .ok_or(WecomError::MissingField(name))
}

/// The `Item`s of `MemChangeList`; no list means no members were named.
fn members(root: Node<'_, '_>) -> Vec<String> {
    child(root, "MemChangeList")
        .map(|list| {
            list.children()
                .filter(|node| node.has_tag_name("Item"))
                .filter_map(|node| node.text())
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|child| child.has_tag_name(name))
}

/// The text of a direct child element, `None` when the element is absent or empty.
fn optional<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name)
        .and_then(|child| child.text())
        .filter(|text| !text.is_empty())
}

fn required<'a>(node: Node<'a, '_>, name: &'static str) -> Result<&'a str, WecomError> {
    optional(node, name).ok_or(WecomError::MissingField(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> WecomEvent {
        let envelope = parse_event(xml).unwrap();
        assert_eq!(envelope.create_time, 1403610513);
        envelope.event
    }

    #[test]
    fn contact_added_with_state_and_welcome_code() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></ExternalUserID><State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::ContactAdded {
                staff_user_id: "zhangsan".into(),
                external_user_id: "woAJ2GCAAAXtWyujaWJHDDGi0mACAAA".into(),
                state: Some("teststate".into()),
                welcome_code: Some("WELCOMECODE".into()),
            }
        );
    }

    #[test]
    fn contact_added_with_empty_state_has_none() {
        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></ExternalUserID><State><![CDATA[]]></State></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::ContactAdded {
                staff_user_id: "zhangsan".into(),
                external_user_id: "woAJ2GCAAAXtWyujaWJHDDGi0mACAAA".into(),
                state: None,
                welcome_code: None,
            }
        );
    }

    #[test]
    fn contact_deleted() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></ExternalUserID><Source><![CDATA[DELETE_BY_TRANSFER]]></Source></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::ContactDeleted {
                staff_user_id: "zhangsan".into(),
                external_user_id: "woAJ2GCAAAXtWyujaWJHDDGi0mACAAA".into(),
            }
        );
    }

    #[test]
    fn chat_created() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[create]]></ChangeType></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::ChatCreated {
                chat_id: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA".into()
            }
        );
    }

    #[test]
    fn members_joined_with_two_items() {
        // Whitespace between elements, as WeCom's own samples have it.
        let xml = "<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[sys]]></FromUserName>
<CreateTime>1403610513</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[change_external_chat]]></Event>
<ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId>
<ChangeType><![CDATA[update]]></ChangeType>
<UpdateDetail><![CDATA[add_member]]></UpdateDetail>
<JoinScene>3</JoinScene>
<MemChangeCnt>2</MemChangeCnt>
<MemChangeList>
  <Item><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></Item>
  <Item><![CDATA[zhangsan]]></Item>
</MemChangeList>
</xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::MembersJoined {
                chat_id: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA".into(),
                join_scene: 3,
                members: vec!["woAJ2GCAAAXtWyujaWJHDDGi0mACAAA".into(), "zhangsan".into()],
            }
        );
    }

    #[test]
    fn members_left() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[del_member]]></UpdateDetail><QuitScene>1</QuitScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></Item></MemChangeList></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::MembersLeft {
                chat_id: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA".into(),
                quit_scene: 1,
                members: vec!["woAJ2GCAAAXtWyujaWJHDDGi0mACAAA".into()],
            }
        );
    }

    #[test]
    fn other_update_details_are_other() {
        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[change_name]]></UpdateDetail></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::Other {
                event: "change_external_chat".into(),
                change_type: Some("update".into()),
            }
        );
    }

    #[test]
    fn chat_dismissed() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[dismiss]]></ChangeType></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::ChatDismissed {
                chat_id: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA".into()
            }
        );
    }

    #[test]
    fn unknown_events_and_messages_are_other() {
        let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[TAG_ID]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::Other {
                event: "change_external_tag".into(),
                change_type: Some("create".into()),
            }
        );

        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[edit_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAA]]></ExternalUserID></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::Other {
                event: "change_external_contact".into(),
                change_type: Some("edit_external_contact".into()),
            }
        );

        let xml = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content></xml>";
        assert_eq!(
            parse(xml),
            WecomEvent::Other {
                event: "text".into(),
                change_type: None,
            }
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID></xml>";
        assert_eq!(
            parse_event(xml),
            Err(WecomError::MissingField("ExternalUserID"))
        );

        let xml = "<xml><CreateTime>soon</CreateTime><MsgType><![CDATA[event]]></MsgType></xml>";
        assert_eq!(
            parse_event(xml),
            Err(WecomError::MissingField("CreateTime"))
        );

        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail></xml>";
        assert_eq!(parse_event(xml), Err(WecomError::MissingField("JoinScene")));

        let xml = "<xml><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChangeType><![CDATA[dismiss]]></ChangeType></xml>";
        assert_eq!(parse_event(xml), Err(WecomError::MissingField("ChatId")));

        assert!(matches!(
            parse_event("<xml><MsgType>"),
            Err(WecomError::BadXml(_))
        ));
    }
}
