# Emoji and emoticons for levain-text, shared by both languages.
#
# Where these choices come from: the polarity of each emoji follows how it
# is commonly used in replies (the Emoji Sentiment Ranking of Kralj Novak et
# al., 2015, was the reference for which way each one leans), with values
# on VADER's −4 … +4 scale set by hand. Emoji are looked up by their first
# character, so skin tones and variation selectors do not matter. Entries
# that are not emoji (":)", "<3", "/s") are emoticons: the tokenizer finds
# them after a space or at the start of the text.

[sentiment]
😍 3
🥰 3
😘 2.5
😻 3
❤ 3
♥ 3
💖 3
💕 3
💗 3
💓 3
💞 3
💘 3
💝 3
💙 2.5
💚 2.5
💛 2.5
🧡 2.5
💜 2.5
🤍 2
🫶 3
😊 2.5
☺ 2.5
🙂 1.5
😀 2
😃 2.5
😄 2.5
😁 2.5
😆 2
😂 2
🤣 2
😹 2
😸 2
😺 2
😉 1.5
😎 2
🤩 3
🥳 3
🥹 2
🤗 2.5
😇 2
😌 1.5
🤤 2.5
😋 2.5
🎉 2.5
🎊 2.5
🥂 2
🍾 2
👍 2
👌 2
👏 2.5
🙌 2.5
🙏 2
💪 2
🔥 2.5
✨ 1.5
⭐ 2
🌟 2.5
💫 1.5
💯 2.5
🏆 2.5
🥇 2.5
✅ 1.5
✔ 1.5
🤘 2
🤙 1.5
✌ 1.5
👋 0.5
💐 2
🌹 2
🌸 1.5
🌈 1.5
☀ 1
🌞 1.5
👑 2
💎 2
🍀 1.5
🆒 1.5
😡 -3 +world
🤬 -3.5 +world
😠 -3 +world
👿 -2.5
😤 -2 +world
😢 -2.5 +sad
😭 -2.5 +sad
😞 -2 +sad
😔 -2 +sad
😟 -2 +sad
🙁 -1.5 +sad
☹ -2 +sad
😿 -2 +sad
💔 -3 +sad
🥺 -1 +sad
😥 -2 +sad
😪 -1.5 +sad
🤕 -1.5 +sad
🤒 -1.5 +sad
🕯 -1.5 +sad
😓 -1.5 +world
😩 -2.5 +world
😫 -2.5 +world
😖 -2 +world
😣 -2 +world
😰 -2 +world
😨 -2 +world
😱 -2 +world
😬 -1 +world
😕 -1.5
🫤 -1.5
😐 -0.5
😑 -1
🤦 -2 +world
🤷 -0.5
💩 -3
👎 -2.5
🤮 -3
🤢 -2.5
😷 -1
❌ -1.5
🚫 -1.5
⚠ -1
😵 -1.5 +world
🥴 -1 +world
🖕 -3.5
🥵 -1 +world
🥶 -1 +world
🤡 -2
⛈ -1 +world
🌧 -0.5 +world
:) 2
:-) 2
:)) 2.5
=) 2
:D 2.5
:-D 2.5
xD 2
XD 2
;) 1.5
;-) 1.5
:P 1
:p 1
:-P 1
<3 3
^^ 1.5
^_^ 2
:* 2
:( -2
:-( -2
:(( -2.5
:'( -2.5 +sad
=( -2
:/ -1
:-/ -1
:| -0.5
>:( -3
-_- -1.5
T_T -2.5 +sad

[irony]
🙄 -1.5
🙃 -1
😒 -2
😏 -0.5
/s -1
